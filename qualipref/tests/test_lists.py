"""The list helper: a page counted by the caller and rows fetched by id give the same page as before."""

import pytest
from django.test import RequestFactory

from qualipref.lists import paginate
from sites.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return Department.objects.bulk_create(
        [Department(code=f"{i:03d}", name=f"Département {i}") for i in range(1, 61)]
    )


@pytest.mark.parametrize("page", ["1", "2", "3", "99", "abc", ""])
def test_deferred_pages_are_the_plain_pages(departments, page):
    request = RequestFactory().get("/", {"page": page})
    queryset = Department.objects.order_by("-code", "pk")
    plain = paginate(request, queryset)
    deferred = paginate(request, queryset, count=queryset.count(), deferred=True)
    assert [d.pk for d in deferred.object_list] == [d.pk for d in plain.object_list]
    assert deferred.number == plain.number and deferred.paginator.num_pages == plain.paginator.num_pages


def test_a_given_count_is_not_counted_again(departments, django_assert_num_queries):
    request = RequestFactory().get("/", {"page": "2"})
    with django_assert_num_queries(1):  # the rows only: no COUNT(*)
        page = paginate(request, Department.objects.order_by("code"), count=60, deferred=True)
        assert len(page.object_list) == 25
    assert page.paginator.num_pages == 3


def test_an_empty_selection_reads_no_rows(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        page = paginate(request, Department.objects.order_by("code"), count=0, deferred=True)
    assert page.paginator.num_pages == 1


@pytest.mark.postgres
def test_on_postgresql_the_pages_ids_are_an_array_read_first(departments):
    """`id = ANY(ARRAY(…))`: the planner computes the 25 ids first and finds their rows by primary key,
    instead of reading the whole selection again to join it with them (`id IN (…)`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = RequestFactory().get("/", {"page": "2"})
    queryset = Department.objects.filter(code__gte="010").order_by("-code", "pk")
    with CaptureQueriesContext(connection) as queries:
        rows = list(paginate(request, queryset, count=51, deferred=True).object_list)
    assert [d.code for d in rows] == [f"{i:03d}" for i in range(35, 9, -1)][:25]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert '"sites_department"."id" = ANY(ARRAY(SELECT' in sql and "LIMIT 25 OFFSET 25" in sql
