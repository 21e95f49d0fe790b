"""Reads of the onboarding and account pages, each filtered by what the user may see (sites.access)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sites.access import WRITE, get_visible, scope_for
from sites.models import Department, Membership, User

from .models import Invitation


def department_for_team(user, code: str) -> Department:
    """The département whose team the user manages: 404 outside their scope, 403 when they only read it."""
    return get_visible(Department.objects, user, perm=WRITE, code=code)


def managed_departments(user):
    """The départements whose team the user manages (quality managers and administrators there)."""
    return Department.objects.filter(pk__in=scope_for(user).ids("department", WRITE)).order_by("code")


def departments_overview():
    """Every département with its counts (the platform administrator's list): one query."""
    now = timezone.now()
    return Department.objects.annotate(
        member_count=Count("memberships__user", distinct=True),
        pending_count=Count(
            "invitations",
            filter=Q(
                invitations__used_at__isnull=True,
                invitations__cancelled_at__isnull=True,
                invitations__expires_at__gt=now,
            ),
            distinct=True,
        ),
        site_count=Count("entities__sites", distinct=True),
    ).order_by("code")


@dataclass
class Member:
    user: User
    memberships: list[Membership] = field(default_factory=list)


def team_of(department) -> list[Member]:
    """The people who hold a role in the département, each with their roles (one query)."""
    members: dict[int, Member] = {}
    rows = (
        Membership.objects.filter(department=department)
        .select_related("user", "entity", "site")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )
    for membership in rows:
        members.setdefault(membership.user_id, Member(membership.user)).memberships.append(membership)
    return list(members.values())


def invitations_of(department):
    """The département's invitations not yet accepted (pending, expired or cancelled), newest first."""
    return (
        Invitation.objects.filter(department=department, used_at__isnull=True)
        .select_related("entity", "site", "invited_by")
        .order_by("-created_at")
    )


def former_members(department, *, current_ids):
    """People whose access to the département was ended: their removed roles, from the history (one query)."""
    return (
        Membership.history.filter(department_id=department.pk, history_type="-")
        .exclude(user_id__in=current_ids)
        .select_related("user", "history_user")
        .order_by("-history_date")
    )


def member_of(department, user_pk) -> User:
    """A person who holds a role in the département (404 otherwise)."""
    return get_object_or_404(User.objects.filter(memberships__department=department).distinct(), pk=user_pk)


def memberships_of(user):
    return list(
        Membership.objects.filter(user=user)
        .select_related("department", "entity", "site")
        .order_by("department__code", "role")
    )
