"""Onboarding and accounts: the platform administrator's départements, a département's team (invitations,
spreadsheet import, deactivation), the invitation link, « Mon compte » and the password pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref import ratelimit
from qualipref.excel import ImportFileError
from qualipref.links import public_url

from . import imports, selectors, services
from .forms import AcceptInvitationForm, DepartmentCreateForm, ImportForm, InvitationForm, ProfileForm
from .models import VALID_DAYS, Invitation

PLATFORM_ONLY = "Réservé à l'administrateur de la plateforme."
RESET_RATE_LIMIT, RESET_RATE_WINDOW = 5, 3600
ACCEPT_RATE_LIMIT, ACCEPT_RATE_WINDOW = 20, 3600


def _require_platform_admin(user):
    if not user.is_superuser:
        raise PermissionDenied(PLATFORM_ONLY)


def _crumbs(*items):
    return list(items)


def _form_errors(form, exc: ValidationError, fields_map=None):
    fields_map = fields_map or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = fields_map.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---- départements (the platform administrator) ------------------------------------------------------------


@require_safe
def department_list(request):
    _require_platform_admin(request.user)
    return render(
        request,
        "accounts/department_list.html",
        {
            "departments": selectors.departments_overview(),
            "breadcrumbs": _crumbs(("Départements", None)),
        },
    )


@require_http_methods(["GET", "POST"])
def department_create(request):
    _require_platform_admin(request.user)
    form = DepartmentCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = services.create_department(
                code=data["code"],
                name=data["name"],
                prefecture_name=data["prefecture_name"],
                time_zone=data["time_zone"],
                quality_manager_email=data["quality_manager_email"],
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Département {department} créé. Une invitation a été envoyée à "
                f"{services.normalise_email(data['quality_manager_email'])} "
                f"(lien valable {VALID_DAYS} jours).",
            )
            return redirect("accounts:team", code=department.code)
    return render(
        request,
        "accounts/department_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(("Départements", reverse("accounts:department_list")), ("Nouveau", None)),
        },
    )


# ---- a département's team -------------------------------------------------------------------------------


@require_safe
def team_home(request):
    """The menu's entry: the team of the one département the user manages, or the list to choose from."""
    if request.user.is_superuser:
        return redirect("accounts:department_list")
    departments = list(selectors.managed_departments(request.user))
    if len(departments) == 1:
        return redirect("accounts:team", code=departments[0].code)
    if not departments:
        raise PermissionDenied(
            "Réservé aux chargé(e)s de mission qualité et aux administrateurs d'un département."
        )
    return render(
        request,
        "accounts/team_choose.html",
        {"departments": departments, "breadcrumbs": _crumbs(("Équipe", None))},
    )


def _team_crumbs(request, department, *more):
    platform = [("Départements", reverse("accounts:department_list"))] if request.user.is_superuser else []
    here = reverse("accounts:team", args=[department.code]) if more else None
    return [*platform, (f"Équipe – {department.name}", here), *more]


@require_http_methods(["GET", "POST"])
def team(request, code):
    department = selectors.department_for_team(request.user, code)
    form = InvitationForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.invitation_create(
                email=data["email"],
                role=data["role"],
                department=department,
                entity=data.get("entity"),
                site=data.get("site"),
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if isinstance(result, Invitation):
                messages.success(
                    request, f"Invitation envoyée à {result.email} (lien valable {VALID_DAYS} jours)."
                )
            else:
                messages.success(
                    request,
                    f"{result.user} a déjà un compte dans ce département : le rôle "
                    f"« {result.get_role_display()} » ({result.scope_label}) lui est attribué.",
                )
            return redirect("accounts:team", code=department.code)
    members = selectors.team_of(department)
    return render(
        request,
        "accounts/team.html",
        {
            "department": department,
            "form": form,
            "members": members,
            "invitations": selectors.invitations_of(department),
            "former": selectors.former_members(department, current_ids=[m.user.pk for m in members]),
            "breadcrumbs": _team_crumbs(request, department),
        },
    )


@require_safe
def team_template(request, code):
    department = selectors.department_for_team(request.user, code)
    return imports.template_response(department)


@require_http_methods(["GET", "POST"])
def team_import(request, code):
    department = selectors.department_for_team(request.user, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_team(form.cleaned_data["file"], department=department, by=request.user)
        except (ImportFileError, ValidationError) as exc:
            form.add_error("file", " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if result.ok:
                messages.success(
                    request,
                    f"Import terminé : {result.created} invitation(s) envoyée(s) ou rôle(s) attribué(s).",
                )
                return redirect("accounts:team", code=department.code)
    return render(
        request,
        "accounts/team_import.html",
        {
            "department": department,
            "form": form,
            "result": result,
            "headers": list(imports.HEADERS),
            "breadcrumbs": _team_crumbs(request, department, ("Importer", None)),
        },
    )


@require_http_methods(["GET", "POST"])
def member_deactivate(request, code, user_pk):
    department = selectors.department_for_team(request.user, code)
    member = selectors.member_of(department, user_pk)
    if request.method == "POST":
        try:
            services.member_deactivate(department=department, user=member, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Accès de {member} au département {department.name} désactivé.")
        return redirect("accounts:team", code=department.code)
    return render(
        request,
        "accounts/member_deactivate.html",
        {
            "department": department,
            "member": member,
            "memberships": member.memberships.filter(department=department).select_related("entity", "site"),
            "breadcrumbs": _team_crumbs(request, department, (f"Désactiver {member}", None)),
        },
    )


def _department_invitation(request, code, pk):
    department = selectors.department_for_team(request.user, code)
    return department, get_object_or_404(Invitation, pk=pk, department=department)


@require_POST
def invitation_resend(request, code, pk):
    department, invitation = _department_invitation(request, code, pk)
    try:
        services.invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Nouveau lien envoyé à {invitation.email} (valable {VALID_DAYS} jours).")
    return redirect("accounts:team", code=department.code)


@require_POST
def invitation_cancel(request, code, pk):
    department, invitation = _department_invitation(request, code, pk)
    try:
        services.invitation_cancel(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation de {invitation.email} annulée : son lien ne fonctionne plus.")
    return redirect("accounts:team", code=department.code)


# ---- the invitation link (no login) ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationLinkError as exc:
        return render(request, "accounts/invitation_invalid.html", {"message": str(exc)}, status=exc.status)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        if ratelimit.hit("invitation", request, limit=ACCEPT_RATE_LIMIT, window=ACCEPT_RATE_WINDOW):
            form.add_error(None, "Trop de tentatives depuis cette adresse : réessayez dans une heure.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = services.invitation_accept(
                    token=token,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password1"],
                )
            except services.InvitationLinkError as exc:
                return render(
                    request, "accounts/invitation_invalid.html", {"message": str(exc)}, status=exc.status
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Bienvenue {user.first_name} : votre compte est ouvert.")
                return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "valid_days": VALID_DAYS},
    )


# ---- « Mon compte » ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Vos informations ont été enregistrées.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "memberships": selectors.memberships_of(request.user),
            "managed": selectors.managed_departments(request.user),
            "breadcrumbs": _crumbs(("Mon compte", None)),
        },
    )


# ---- passwords: Django's own views, French templates -------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = ["get", "head", "post"]
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            breadcrumbs=_crumbs(("Mon compte", reverse("accounts:account")), ("Mot de passe", None)),
        )


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether the address has an account or not (no enumeration); the e-mail's link starts
    with the public address; a burst of requests from one address is refused."""

    http_method_names = ["get", "head", "post"]

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if ratelimit.hit("password_reset", self.request, limit=RESET_RATE_LIMIT, window=RESET_RATE_WINDOW):
            form.add_error(None, "Trop de demandes depuis cette adresse : réessayez dans une heure.")
            return self.form_invalid(form)
        self.extra_email_context = {"public_url": public_url()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    http_method_names = ["get", "head", "post"]
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        # Django answers an invalid link from dispatch itself, whatever the method: refuse others first.
        if self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request, *args, **kwargs)
        return super().dispatch(*args, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
