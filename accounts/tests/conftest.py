import html
import re

import pytest


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.PUBLIC_URL = "https://qualite.example.gouv.fr"


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """Run the e-mails queued with transaction.on_commit (the test's transaction never commits)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def link_in(message) -> str:
    """The invitation (or reset) link of an e-mail, as sent."""
    return re.search(r"https://qualite\.example\.gouv\.fr/\S+", message.body).group(0)


def path_of(link: str) -> str:
    return link.removeprefix("https://qualite.example.gouv.fr")


def text(response) -> str:
    """The page's text, HTML entities decoded (an apostrophe is escaped in the HTML)."""
    return html.unescape(response.content.decode())
