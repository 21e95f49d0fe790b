from qualipref.navigation import menu


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from sites.selectors import memberships_of

    return {"nav_sections": menu(), "my_memberships": memberships_of(user)}
