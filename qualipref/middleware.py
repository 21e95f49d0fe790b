from django.conf import settings
from django.contrib.auth.views import redirect_to_login


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except the paths listed in LOGIN_EXEMPT_PREFIXES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(settings.LOGIN_EXEMPT_PREFIXES):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
