"""Login throttling (django-axes), security events in the logs, and the French CSRF failure page."""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render

security_log = logging.getLogger("qualipref.security")


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses any login, even with the right password, while the account is locked out.

    Web logins (the login page, the admin) always pass the request and are throttled. An
    authentication without a request (a management command, the test client's `login`) cannot come
    from a browser, so it is not throttled instead of failing like axes' own backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _address(request) -> str | None:
    return getattr(request, "axes_ip_address", None) or (request.META.get("REMOTE_ADDR") if request else None)


@receiver(user_login_failed, dispatch_uid="qualipref_login_failed")
def log_login_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    security_log.warning(
        "Échec de connexion pour « %s »",
        username,
        extra={"event": "login_failed", "username": username, "ip": _address(request)},
    )


@receiver(user_locked_out, dispatch_uid="qualipref_locked_out")
def log_lockout(sender, request, username, ip_address, **kwargs):
    security_log.warning(
        "Compte « %s » verrouillé après trop d'échecs de connexion",
        username,
        extra={"event": "login_locked_out", "username": username, "ip": ip_address},
    )


@receiver(user_logged_in, dispatch_uid="qualipref_logged_in")
def log_login(sender, request, user, **kwargs):
    security_log.info(
        "Connexion de « %s »",
        user.get_username(),
        extra={"event": "login_succeeded", "username": user.get_username(), "ip": _address(request)},
    )


@receiver(user_logged_out, dispatch_uid="qualipref_logged_out")
def log_logout(sender, request, user, **kwargs):
    username = user.get_username() if user is not None else None
    security_log.info("Déconnexion de « %s »", username, extra={"event": "logout", "username": username})


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the French page shown while an account is locked (HTTP 429)."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/lockout.html", context, status=429)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a French page that explains what to do, answered with 403."""
    security_log.warning(
        "Jeton CSRF refusé sur %s : %s",
        request.path,
        reason,
        extra={"event": "csrf_failure", "reason": reason},
    )
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
