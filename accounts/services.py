"""Every write of onboarding: a new département, invitations (create, resend, cancel, accept), a person's
access to a département ended. Each function is atomic and checks its rules itself (the forms and the
spreadsheet import call `invitation_check` to show the same French messages before saving)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.defaults import apply_default_indicators
from qualipref.links import absolute_reverse
from sites.models import Department, Entity, Membership, Role, Site, TimeZone, User

from .models import VALID_DAYS, Invitation, token_hash

# Roles that are held on a whole département, never on one entity or site.
DEPARTMENT_WIDE_ROLES = frozenset({Role.ADMIN, Role.QUALITY_MANAGER})

UNKNOWN_ROLE = "Rôle inconnu : « {value} ». Rôles possibles : {choices}."
DEPARTMENT_WIDE = "Le rôle « {role} » s'exerce sur tout le département : laissez l'entité et le site vides."
OUTSIDE_DEPARTMENT = "Ce périmètre n'appartient pas au département {department}."
SITE_NOT_IN_ENTITY = "Ce site n'appartient pas à l'entité choisie."
ALREADY_MEMBER = "Cette personne a déjà ce rôle sur ce périmètre."
ALREADY_INVITED = (
    "Une invitation est déjà en attente pour cette adresse (envoyée le {date}) : renvoyez-la depuis la liste "
    "des invitations plutôt que d'en créer une autre."
)
# Said the same way whether the address belongs to an account or to an invitation of another département,
# and never naming that département.
ADDRESS_ELSEWHERE = (
    "Cette adresse est déjà utilisée par un compte Qualipref qui ne relève pas de ce département : "
    "indiquez une autre adresse, ou adressez-vous à l'administrateur de la plateforme."
)
CANNOT_DEACTIVATE_SELF = "Vous ne pouvez pas désactiver votre propre accès."
CANNOT_DEACTIVATE_PLATFORM_ADMIN = (
    "L'administrateur de la plateforme ne peut pas être désactivé depuis cette page."
)
NOT_A_MEMBER = "Cette personne n'a aucun rôle dans ce département."
INVITATION_NOT_PENDING = "Cette invitation n'est plus en attente : elle a été acceptée ou annulée."

# The acceptance page's refusals (the link itself is the only input).
LINK_UNKNOWN = "Ce lien d'invitation n'est pas valide : vérifiez qu'il a été copié en entier."
LINK_USED = (
    "Ce lien d'invitation a déjà servi. Connectez-vous avec le mot de passe choisi alors, ou utilisez "
    "« Mot de passe oublié »."
)
LINK_CANCELLED = (
    "Cette invitation a été annulée : demandez-en une nouvelle à la personne qui vous a invité(e)."
)
LINK_EXPIRED = (
    f"Ce lien d'invitation a expiré (il était valable {VALID_DAYS} jours) : demandez à la personne qui vous "
    "a invité(e) de vous le renvoyer."
)


class InvitationLinkError(Exception):
    """A link that cannot be used; its message is French, shown on the acceptance page."""

    def __init__(self, message: str, *, status: int = 410):
        super().__init__(message)
        self.status = status


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def role_choices_text() -> str:
    return ", ".join(label for _, label in Role.choices)


# ---- départements --------------------------------------------------------------------------------------


def create_department(
    *,
    code: str,
    name: str,
    prefecture_name: str,
    time_zone: str = TimeZone.PARIS,
    quality_manager_email: str = "",
    by,
) -> Department:
    """A new département, its defaults, and (when an address is given) the invitation of its first quality
    manager, sent by e-mail once the transaction commits. ValidationError (French) changes nothing."""
    with transaction.atomic():
        department = Department(
            code=code.strip().upper(),
            name=name.strip(),
            prefecture_name=prefecture_name.strip(),
            time_zone=time_zone,
        )
        department.full_clean()
        department._history_user = by
        department.save()
        _create_department_defaults(department, by=by)
        if quality_manager_email:
            try:
                invitation_create(
                    email=quality_manager_email, role=Role.QUALITY_MANAGER, department=department, by=by
                )
            except ValidationError as exc:
                raise ValidationError({"quality_manager_email": exc.messages}) from None
    return department


def _create_department_defaults(department: Department, *, by) -> None:
    """What a new département starts with, created in one place: its default indicators and their targets
    from the referential in force (on-time answers, satisfaction per criterion, pick-up rate…), so that the
    first month imported shows on the committee's dashboard."""
    apply_default_indicators(department, by=by)


# ---- invitations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """What an invitation of this address amounts to: a new invitation (`user` None or a former member to
    reactivate), or a role given at once to a person who already has an account in the département."""

    email: str
    role: str
    department: Department
    entity: Entity | None
    site: Site | None
    existing_member: User | None = None


def _scope(department, entity, site) -> tuple[Entity | None, Site | None]:
    if site is not None:
        if entity is None:
            entity = site.entity
        elif site.entity_id != entity.pk:
            raise ValidationError({"site": SITE_NOT_IN_ENTITY})
    outside = OUTSIDE_DEPARTMENT.format(department=department.name)
    if entity is not None and entity.department_id != department.pk:
        raise ValidationError({"entity" if site is None else "site": outside})
    return entity, site


def _accounts_with(email: str):
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


def _former_member(user, department) -> bool:
    return Membership.history.filter(user_id=user.pk, department_id=department.pk).exists()


def invitation_check(*, email: str, role: str, department: Department, entity=None, site=None) -> Grant:
    """The rules of an invitation, in one place; ValidationError (French, by field) when it is refused."""
    email = normalise_email(email)
    if role not in Role.values:
        raise ValidationError({"role": UNKNOWN_ROLE.format(value=role, choices=role_choices_text())})
    if role in DEPARTMENT_WIDE_ROLES and (entity is not None or site is not None):
        raise ValidationError({"role": DEPARTMENT_WIDE.format(role=Role(role).label)})
    entity, site = _scope(department, entity, site)
    grant = Grant(email=email, role=role, department=department, entity=entity, site=site)

    accounts = list(_accounts_with(email).prefetch_related("memberships"))
    if len(accounts) > 1:
        raise ValidationError({"email": ADDRESS_ELSEWHERE})
    if accounts:
        user = accounts[0]
        memberships = list(user.memberships.all())
        here = [m for m in memberships if m.department_id == department.pk]
        if here:
            if any(
                (m.role, m.entity_id, m.site_id)
                == (role, getattr(entity, "pk", None), getattr(site, "pk", None))
                for m in here
            ):
                raise ValidationError({"email": ALREADY_MEMBER})
            return Grant(**{**grant.__dict__, "existing_member": user})
        # An account of another département, the platform's administrator, or an account never of this
        # département: refused, without saying which. A former member of this département whose access
        # was ended (no role anywhere) may be invited again.
        if memberships or user.is_superuser or not _former_member(user, department):
            raise ValidationError({"email": ADDRESS_ELSEWHERE})

    pending = Invitation.objects.pending().filter(email__iexact=email).order_by("-created_at").first()
    if pending is not None:
        if pending.department_id != department.pk:
            raise ValidationError({"email": ADDRESS_ELSEWHERE})
        date = timezone.localtime(pending.created_at).strftime("%d/%m/%Y")
        raise ValidationError({"email": ALREADY_INVITED.format(date=date)})
    return grant


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _send_invitation(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "department": invitation.department,
        "link": absolute_reverse("accounts:invitation_accept", token),
        "login_url": absolute_reverse("login"),
        "valid_days": VALID_DAYS,
        "expires_on": timezone.localtime(invitation.expires_at).date(),
        "inviter": invitation.invited_by,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    address = invitation.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


def _send_role_added(membership: Membership, by) -> None:
    context = {"membership": membership, "login_url": absolute_reverse("login"), "inviter": by}
    body = render_to_string("accounts/email/role_added.txt", context)
    subject = f"Qualipref : nouveau rôle dans {membership.department.name}"
    address = membership.user.email
    if address:
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


def _membership_add(*, user, role, department, entity, site, by) -> Membership:
    membership = Membership(user=user, role=role, department=department, entity=entity, site=site)
    membership.full_clean(validate_constraints=False)
    membership._history_user = by
    membership.save()
    return membership


def invitation_create(
    *, email: str, role: str, department: Department, entity=None, site=None, by, now=None
) -> Invitation | Membership:
    """Invite `email` to `role` on the scope: an e-mail with a single-use link valid VALID_DAYS days.
    A person who already has an account in the département gets the role at once (and an e-mail saying
    so): the Membership is returned instead of an Invitation."""
    now = now or timezone.now()
    with transaction.atomic():
        # One invitation at a time per address: concurrent invitations of one address wait here.
        Department.objects.select_for_update().filter(pk=department.pk).first()
        grant = invitation_check(email=email, role=role, department=department, entity=entity, site=site)
        if grant.existing_member is not None:
            membership = _membership_add(
                user=grant.existing_member,
                role=grant.role,
                department=department,
                entity=grant.entity,
                site=grant.site,
                by=by,
            )
            _send_role_added(membership, by)
            return membership
        token, digest = _new_token()
        invitation = Invitation(
            email=grant.email,
            role=grant.role,
            department=department,
            entity=grant.entity,
            site=grant.site,
            token_hash=digest,
            expires_at=now + dt.timedelta(days=VALID_DAYS),
            invited_by=by if getattr(by, "pk", None) else None,
        )
        invitation.full_clean()
        invitation.save()
        _send_invitation(invitation, token)
    return invitation


def invitation_resend(*, invitation: Invitation, by, now=None) -> Invitation:
    """A new link (the previous one stops working), valid VALID_DAYS days from now, sent again."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at or invitation.cancelled_at:
            raise ValidationError(INVITATION_NOT_PENDING)
        token, digest = _new_token()
        invitation.token_hash = digest
        invitation.expires_at = now + dt.timedelta(days=VALID_DAYS)
        invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
        _send_invitation(invitation, token)
    return invitation


def invitation_cancel(*, invitation: Invitation, by, now=None) -> Invitation:
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at or invitation.cancelled_at:
            raise ValidationError(INVITATION_NOT_PENDING)
        invitation.cancelled_at = now
        invitation.save(update_fields=["cancelled_at", "updated_at"])
    return invitation


def invitation_for_token(token: str, *, now=None, lock: bool = False) -> Invitation:
    """The invitation a link names, when it may still be used; InvitationLinkError (French) otherwise."""
    now = now or timezone.now()
    queryset = Invitation.objects.select_related("department", "entity", "site")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=token_hash(token or "")).first()
    if invitation is None:
        raise InvitationLinkError(LINK_UNKNOWN, status=404)
    if invitation.used_at:
        raise InvitationLinkError(LINK_USED)
    if invitation.cancelled_at:
        raise InvitationLinkError(LINK_CANCELLED)
    if invitation.expires_at <= now:
        raise InvitationLinkError(LINK_EXPIRED)
    return invitation


def invitation_accept(*, token: str, first_name: str, last_name: str, password: str, now=None) -> User:
    """Open the account the link invites (or reopen a former member's), with its role; the link is then
    used. InvitationLinkError when the link may not be used (twice, expired, cancelled), ValidationError
    when the address was taken meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_token(token, now=now, lock=True)
        accounts = list(_accounts_with(invitation.email))
        if accounts:
            user = accounts[0]
            eligible = (
                len(accounts) == 1
                and not user.is_superuser
                and not user.memberships.exists()
                and _former_member(user, invitation.department)
            )
            if not eligible:
                raise ValidationError(ADDRESS_ELSEWHERE)
            user.is_active = True
        else:
            user = User(username=invitation.email, email=invitation.email)
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        user.set_password(password)
        user.save()
        _membership_add(
            user=user,
            role=invitation.role,
            department=invitation.department,
            entity=invitation.entity,
            site=invitation.site,
            by=user,
        )
        invitation.used_at = now
        invitation.user = user
        invitation.save(update_fields=["used_at", "user", "updated_at"])
    return user


# ---- the team ------------------------------------------------------------------------------------------


def member_deactivate(*, department: Department, user: User, by) -> int:
    """End a person's access to the département at once: their roles there are removed (the history keeps
    them, and everything they did stays signed with their name), their pending invitations there are
    cancelled, and an account left with no role anywhere is deactivated (its session ends on the next
    request). Returns the number of roles removed."""
    if user.pk == getattr(by, "pk", None):
        raise ValidationError(CANNOT_DEACTIVATE_SELF)
    if user.is_superuser:
        raise ValidationError(CANNOT_DEACTIVATE_PLATFORM_ADMIN)
    with transaction.atomic():
        memberships = list(
            Membership.objects.select_for_update().filter(user=user, department=department).order_by("pk")
        )
        if not memberships:
            raise ValidationError(NOT_A_MEMBER)
        for membership in memberships:
            membership._history_user = by
            membership.delete()
        Invitation.objects.pending().filter(department=department, email__iexact=user.email).update(
            cancelled_at=timezone.now()
        )
        if user.is_active and not Membership.objects.filter(user=user).exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
    return len(memberships)
