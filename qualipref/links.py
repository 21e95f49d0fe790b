"""Absolute addresses: every link the product prints or sends (QR posters, e-mails, the iCal feed, PDFs,
the API's documentation) starts with the installation's public address, `settings.PUBLIC_URL`
(environment variable QUALIPREF_PUBLIC_URL), never with the host a request happened to use."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def public_url() -> str:
    """The public address, without a trailing slash (https://qualite.prefecture.gouv.fr)."""
    return settings.PUBLIC_URL.rstrip("/")


def absolute(path: str) -> str:
    """`path` (/public/accueil-nord/avis/) at the public address; an address that is already absolute is
    returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{public_url()}/{path.lstrip('/')}"


def absolute_reverse(name: str, *args, **kwargs) -> str:
    """`reverse(name, args, kwargs)` at the public address."""
    return absolute(reverse(name, args=args or None, kwargs=kwargs or None))


def public_host() -> str:
    """The public address's host name (the iCal UIDs' domain)."""
    return urlsplit(public_url()).hostname or "qualipref"
