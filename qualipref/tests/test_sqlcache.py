"""qualipref.sqlcache: the SQL is built once per key, the query runs every time."""

import pytest

from qualipref.sqlcache import SQLCache
from sites.models import Department

pytestmark = pytest.mark.django_db


def test_the_sql_is_built_once_per_key_and_run_every_time():
    cache, built = SQLCache(maxsize=2), []

    def build(code):
        built.append(code)
        return Department.objects.filter(code__gte=code).order_by("code").values_list("code", flat=True)

    Department.objects.create(code="13", name="Bouches-du-Rhône")
    assert cache.get(("from", "10"), lambda: build("10")).rows() == [("13",)]
    Department.objects.create(code="84", name="Vaucluse")
    assert cache.get(("from", "10"), lambda: build("10")).rows() == [("13",), ("84",)]  # run again
    assert built == ["10"] and len(cache) == 1
    # the same SQL with other values in its parameters' places; their number is checked
    compiled = cache.get(("from", "50"), lambda: (build("50"), "extra"))
    assert (
        compiled.extra == "extra"
        and compiled.rows() == [("84",)]
        and compiled.rows(("00",)) == [("13",), ("84",)]
    )
    with pytest.raises(ValueError):
        compiled.rows(("00", "99"))
    cache.get(("from", "90"), lambda: build("90"))  # a third key: the full cache starts again
    assert len(cache) == 1 and built == ["10", "50", "90"]


def test_a_queryset_empty_by_construction_gives_no_rows_without_a_query(django_assert_num_queries):
    cache = SQLCache()
    compiled = cache.get(("none",), lambda: Department.objects.filter(pk__in=[]).values_list("code"))
    Department.objects.create(code="13", name="Bouches-du-Rhône")
    with django_assert_num_queries(0):
        assert compiled.rows() == [] and compiled.rows(()) == []


def test_several_readings_are_built_once_under_one_key_and_dates_read_alike_everywhere():
    import datetime as dt

    from qualipref.sqlcache import as_date

    cache, built = SQLCache(), []

    def build():
        built.append(1)
        return (
            Department.objects.filter(code="13").values_list("code"),
            Department.objects.filter(code="84").values_list("code"),
        )

    Department.objects.create(code="13", name="Bouches-du-Rhône")
    first, second = cache.get_all(("pair",), build, 2)
    assert first.rows() == [("13",)] and second.rows() == []
    assert [c.sql for c in cache.get_all(("pair",), build, 2)] == [first.sql, second.sql] and built == [1]
    assert (
        as_date("2026-12-05") == as_date(dt.date(2026, 12, 5)) == dt.date(2026, 12, 5)
        and as_date(None) is None
    )
