from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except the paths listed in LOGIN_EXEMPT_PREFIXES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(settings.LOGIN_EXEMPT_PREFIXES):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


BAD_INPUT_MESSAGE = (
    "Requête refusée : l'adresse ou le formulaire contient un caractère nul ou un texte mal encodé "
    "(UTF-8 invalide). Corrigez la saisie puis réessayez."
)


def _bad_bytes(raw: bytes) -> bool:
    """True when percent-decoded `raw` holds a NUL byte or is not valid UTF-8."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class RejectBadInputMiddleware:
    """A NUL byte or invalid UTF-8 in the path, the query string or a form's fields is refused with a
    French 400 before any view runs (PostgreSQL cannot store NUL; a database lookup would fail with a 500).
    JSON bodies are judged by their API, which answers its own 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_bad(request):
            return HttpResponseBadRequest(
                f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>Requête refusée</title>'
                f'<p class="alert alert-danger">{BAD_INPUT_MESSAGE}</p></html>',
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _is_bad(request) -> bool:
        raw_path = request.META.get("PATH_INFO", "")
        if "\x00" in request.path_info or "\ufffd" in request.path_info or "\x00" in raw_path:
            return True
        if _bad_bytes(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")):
            return True
        if request.method == "POST":
            content_type = request.content_type or ""
            length = request.META.get("CONTENT_LENGTH") or "0"
            if not length.isdecimal() or int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return False  # too big to read here: the view (or Django) refuses it on its own terms
            if content_type == "application/x-www-form-urlencoded":
                return _bad_bytes(request.body)
            if content_type == "multipart/form-data":
                return any("\x00" in value for values in request.POST.lists() for value in values[1])
        return False
