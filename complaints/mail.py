"""E-mails to the requester of a request sent through the public form (Services Publics+ engagement 4):
an acknowledgement with its reference and announced deadline, then a notice when it is answered.

Sent after the transaction commits; a requester who left no e-mail address gets nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats

from .models import Channel


def requester_email(request) -> str | None:
    """The requester's e-mail address, when the request came through the public form and left one."""
    contact = (request.requester_contact or "").strip()
    if request.channel != Channel.WEB_FORM or not contact:
        return None
    try:
        validate_email(contact)
    except ValidationError:
        return None
    return contact


def _date(day) -> str:
    return formats.date_format(day, "j F Y")


def acknowledgement_text(request) -> tuple[str, str]:
    site = request.site
    subject = f"Accusé de réception de votre demande {request.reference}"
    body = (
        "Bonjour,\n\n"
        f"{site.entity.name} a bien reçu le {_date(request.received_on)} votre demande "
        f"« {request.subject} », enregistrée sous la référence {request.reference}.\n\n"
        f"Nous nous engageons à vous répondre au plus tard le {_date(request.due_on)}. "
        "Rappelez cette référence si vous nous contactez à son sujet.\n\n"
        f"{site.name}\n"
        "Ce message est envoyé automatiquement : merci de ne pas y répondre."
    )
    return subject, body


def answered_text(request) -> tuple[str, str]:
    subject = f"Réponse à votre demande {request.reference}"
    body = (
        "Bonjour,\n\n"
        f"Votre demande {request.reference} (« {request.subject} ») a reçu une réponse le "
        f"{_date(request.answered_on)} :\n\n{request.answer}\n\n"
        f"{request.site.name}\n"
        "Ce message est envoyé automatiquement : merci de ne pas y répondre."
    )
    return subject, body


def _send(address, subject, body):
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
    )


def send_acknowledgement(request) -> bool:
    address = requester_email(request)
    if address is None:
        return False
    _send(address, *acknowledgement_text(request))
    return True


def send_answered(request) -> bool:
    address = requester_email(request)
    if address is None:
        return False
    _send(address, *answered_text(request))
    return True
