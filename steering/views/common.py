"""Helpers shared by the steering views: access getters and the page skeleton."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from sites.access import READ, WRITE, allows, can, get_visible, ids


def can_write(user) -> bool:
    return can(user, WRITE)


def department_writer(user) -> bool:
    return bool(ids(user, "department", WRITE))


def get_scoped(model, user, pk, *, write=False, queryset=None):
    """404 outside the scope, 403 when writing without the right (département, entity or site rows)."""
    queryset = queryset if queryset is not None else model.objects.all()
    return get_visible(queryset, user, perm=WRITE if write else READ, pk=pk)


def allows_write(user, obj) -> bool:
    return allows(user, obj, WRITE)


def crumbs(*pairs):
    return [(label, reverse(name) if name and not name.startswith("/") else name) for label, name in pairs]


def form_page(request, form, *, title, cancel_url, trail, save, success, done=None):
    """The create/edit page of a steering record. On a valid POST, `save(instance)` (a service: a
    ValidationError it raises goes back on the form), then the `success(obj)` message and a redirect
    to `done(obj)` (the record itself by default); otherwise the form, with its errors in French."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success(obj))
            return redirect(done(obj) if done else obj)
    return render(
        request,
        "steering/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "breadcrumbs": crumbs(*trail, (title, None)),
        },
    )
