"""List pages, the same everywhere: sortable columns and pagination that keep the filters."""

from django.core.paginator import Paginator

PER_PAGE = 25


def sort_queryset(request, queryset, allowed: dict[str, str], default: str):
    """Order by `?sort=key` or `?sort=-key` where key is in `allowed` (key -> ORM path)."""
    raw = request.GET.get("sort", default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    prefix = "-" if raw.startswith("-") else ""
    return queryset.order_by(f"{prefix}{allowed[key]}", "pk"), raw


def paginate(request, queryset, per_page: int = PER_PAGE):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
