"""Reminders of the surveys app: a campaign still open after the end of its period (the online
questionnaire keeps taking answers) is pointed out to the département's quality managers."""

from __future__ import annotations

from qualipref.notifications.registry import NoticeSpec
from sites.models import Membership, Role

from .models import Campaign

LEVEL = "period_over"


def due_notices(today):
    campaigns = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN, ends_on__lt=today).only(
            "pk", "name", "department_id", "ends_on"
        )
    )
    if not campaigns:
        return
    managers: dict[int, list[int]] = {}
    for department_id, user_id in Membership.objects.filter(
        department_id__in={c.department_id for c in campaigns},
        role__in=[Role.QUALITY_MANAGER, Role.ADMIN],
        entity__isnull=True,
    ).values_list("department_id", "user_id"):
        managers.setdefault(department_id, []).append(user_id)
    for campaign in campaigns:
        for user_id in managers.get(campaign.department_id, []):
            yield NoticeSpec(
                item=campaign,
                level=LEVEL,
                recipient_id=user_id,
                department_id=campaign.department_id,
                title=f"Campagne à clore : {campaign.name}",
                detail=(
                    f"Période terminée le {campaign.ends_on:%d/%m/%Y} ; "
                    "le questionnaire en ligne reste ouvert."
                ),
                url=campaign.get_absolute_url(),
                due_on=campaign.ends_on,
            )
