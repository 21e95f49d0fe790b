"""List pages, the same everywhere: sortable columns and pagination that keep the filters."""

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import QuerySet

PER_PAGE = 25


def sort_queryset(request, queryset, allowed: dict[str, str], default: str):
    """Order by `?sort=key` or `?sort=-key` where key is in `allowed` (key -> ORM path)."""
    raw = request.GET.get("sort", default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    prefix = "-" if raw.startswith("-") else ""
    return queryset.order_by(f"{prefix}{allowed[key]}", "pk"), raw


def paginate(
    request, queryset, per_page: int = PER_PAGE, *, count: int | None = None, deferred: bool = False
):
    """The page `?page=` of `queryset` (out-of-range or malformed numbers give the first or last page).

    - `count`: the number of rows when the caller already has it (a register that shows the selection's
      figures counts it with them): no `COUNT(*)` of the whole selection on every page;
    - `deferred`: the page's rows are chosen by their ids first, in a subquery that reads only the columns
      the filters and the sort name (an index alone when one covers them: `request_register`), then read
      whole, with their `select_related`, for these ids only. Without it the database joins and reads
      every row of the selection before sorting them and keeping 25. One query either way.
    """
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached property: the value is given, not counted
    page = paginator.get_page(request.GET.get("page"))
    if deferred and isinstance(queryset, QuerySet) and paginator.count:
        bottom = (page.number - 1) * per_page
        ids = queryset.values("pk")[bottom : bottom + per_page]
        page.object_list = queryset.filter(pk__in=ids)
    return page


# Filters read from the query string: a value that makes no sense is None (the filter is ignored),
# never an exception. Years are bounded so date arithmetic on them cannot overflow.
YEARS = range(1900, 2101)


def int_param(request, name: str) -> int | None:
    """A positive id or number from `?name=`; None when absent, not plain digits or absurdly long."""
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else None


def year_param(request, name: str = "year") -> int | None:
    year = int_param(request, name)
    return year if year in YEARS else None


def parse_month(text) -> dt.date | None:
    """'2015-06' or '2015-06-15' -> 1 June 2015; None when empty, malformed or out of YEARS."""
    parts = str(text or "").strip().split("-")
    if len(parts) not in (2, 3) or not all(p.isdecimal() and p.isascii() and len(p) <= 4 for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    return dt.date(year, month, 1) if year in YEARS and 1 <= month <= 12 else None
