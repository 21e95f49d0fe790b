"""Excel export of actions: every field, French headers, dates as dates."""

from django.utils import timezone

from qualipref.excel import Column, xlsx_response


def _user(u):
    return (u.get_full_name() or u.username) if u else ""


COLUMNS = [
    Column("N°", lambda a: a.pk, 8),
    Column("Plan (année)", lambda a: a.plan.year, 10),
    Column("Entité", lambda a: a.entity.name, 30),
    Column("Sites", lambda a: "; ".join(s.name for s in a.sites.all()) or "Tous les sites", 26),
    Column("Intitulé", lambda a: a.title, 50),
    Column("Description", lambda a: a.description, 40),
    Column("Rubrique", lambda a: a.get_category_display(), 22),
    Column("Module", lambda a: a.module.number if a.module_id else "", 8),
    Column("Engagement", lambda a: a.engagement.code if a.engagement_id else "", 12),
    Column("Type d'origine", lambda a: a.get_origin_kind_display(), 24),
    Column("Origine", lambda a: str(a.origin) if a.origin is not None else "", 30),
    Column("Origine (précision)", lambda a: a.origin_text, 30),
    Column("Pilote", lambda a: _user(a.owner), 20),
    Column("Identifiant du pilote", lambda a: a.owner.username, 18),
    Column("Contributeurs", lambda a: "; ".join(_user(u) for u in a.contributors.all()), 26),
    Column("Début", lambda a: a.start_on, 12),
    Column("Échéance", lambda a: a.due_on, 12),
    Column("Statut", lambda a: a.get_status_display(), 12),
    Column("En retard", lambda a: a.is_overdue, 10),
    Column("Avancement (%)", lambda a: a.progress, 10),
    Column("Réalisée le", lambda a: a.completed_on, 12),
    Column("Dans les délais", lambda a: a.done_on_time if a.completed_on else "", 10),
    Column("Note de vérification", lambda a: a.verification_note, 30),
    Column("Vérifiée le", lambda a: a.verified_on, 12),
    Column("Motif d'annulation", lambda a: a.cancel_reason, 30),
    Column("Créée le", lambda a: a.created_at, 16),
]


def actions_xlsx(actions, filename=None):
    filename = filename or f"actions-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, [("Actions", COLUMNS, actions)])
