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


def requester_email(correspondence) -> str | None:
    """The requester's e-mail address, when the request came through the public form and left one."""
    contact = (correspondence.requester_contact or "").strip()
    if correspondence.channel != Channel.WEB_FORM or not contact:
        return None
    try:
        validate_email(contact)
    except ValidationError:
        return None
    return contact


def _date(day) -> str:
    return formats.date_format(day, "j F Y")


def acknowledgement_text(correspondence) -> tuple[str, str]:
    site = correspondence.site
    subject = f"Accusé de réception de votre demande {correspondence.reference}"
    body = (
        "Bonjour,\n\n"
        f"{site.entity.name} a bien reçu le {_date(correspondence.received_on)} votre demande "
        f"« {correspondence.subject} », enregistrée sous la référence {correspondence.reference}.\n\n"
        f"Nous nous engageons à vous répondre au plus tard le {_date(correspondence.due_on)}. "
        "Rappelez cette référence si vous nous contactez à son sujet.\n\n"
        f"{site.name}\n"
        "Ce message est envoyé automatiquement : merci de ne pas y répondre."
    )
    return subject, body


def answered_text(correspondence) -> tuple[str, str]:
    subject = f"Réponse à votre demande {correspondence.reference}"
    body = (
        "Bonjour,\n\n"
        f"Votre demande {correspondence.reference} (« {correspondence.subject} ») a reçu une réponse le "
        f"{_date(correspondence.answered_on)} :\n\n{correspondence.answer}\n\n"
        f"{correspondence.site.name}\n"
        "Ce message est envoyé automatiquement : merci de ne pas y répondre."
    )
    return subject, body


def _send(address, subject, body):
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
    )


def send_acknowledgement(correspondence) -> bool:
    address = requester_email(correspondence)
    if address is None:
        return False
    _send(address, *acknowledgement_text(correspondence))
    return True


def send_answered(correspondence) -> bool:
    address = requester_email(correspondence)
    if address is None:
        return False
    _send(address, *answered_text(correspondence))
    return True
