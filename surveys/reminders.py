"""Reminders of the surveys app: a campaign still open after the end of its period (the online
questionnaire keeps taking answers) is pointed out to the département's quality managers."""

from __future__ import annotations

from qualipref.notifications.registry import Level, NoticeSpec
from sites.responsibles import Responsibles

from .models import Campaign

LEVEL = Level.PERIOD_OVER


def due_notices(today):
    campaigns = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN, ends_on__lt=today).only(
            "pk", "name", "department_id", "ends_on"
        )
    )
    if not campaigns:
        return
    responsibles = Responsibles.of_departments({c.department_id for c in campaigns})
    for campaign in campaigns:
        for user_id in sorted(responsibles.managers(campaign.department_id)):
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
