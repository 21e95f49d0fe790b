from django.db.models import Prefetch

from sites.selectors import entities_for_user

from .models import Criterion, Engagement, LabelScope, Module, Parameter, Referential


def label_scopes_prefetch():
    return Prefetch(
        "labelscope_set",
        queryset=LabelScope.objects.select_related("module__referential").order_by("module__number"),
        to_attr="label_scopes",
    )


def label_overview(user):
    """Entities of the user's scope, each with its sites and its label status per module."""
    return entities_for_user(user).prefetch_related(label_scopes_prefetch())


def referentials():
    return Referential.objects.order_by("-published_on")


def referential_detail(pk):
    """One referential with its modules, engagements, criteria, default parameters and finding types."""
    return (
        Referential.objects.prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.prefetch_related(
                    Prefetch(
                        "engagements",
                        queryset=Engagement.objects.prefetch_related(
                            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code"))
                        ),
                    )
                ),
            ),
            Prefetch("parameters", queryset=Parameter.objects.select_related("department").order_by("key")),
            "finding_types",
        )
        .filter(pk=pk)
        .first()
    )


def current_referential():
    return Referential.objects.order_by("-valid_from", "-published_on").first()
