"""The register in Excel: every field, French headers, dates as dates."""

from qualipref.excel import Column


def _user(user):
    return str(user) if user else ""


REGISTER_COLUMNS = [
    Column("Référence", lambda r: r.reference, 18),
    Column("Entité", lambda r: r.site.entity.name, 30),
    Column("Site", lambda r: r.site.name, 18),
    Column("Site (code)", lambda r: r.site.code, 16),
    Column("Point d'accueil", lambda r: r.reception_point.name if r.reception_point else "", 22),
    Column("Point d'accueil (code)", lambda r: r.reception_point.code if r.reception_point else "", 18),
    Column("Type", lambda r: r.get_kind_display(), 16),
    Column("Canal", lambda r: r.get_channel_display(), 18),
    Column("Reçue le", lambda r: r.received_on, 12),
    Column("Objet", lambda r: r.subject, 40),
    Column("Description", lambda r: r.description, 50),
    Column("Nom du requérant", lambda r: r.requester_name, 22),
    Column("Contact du requérant", lambda r: r.requester_contact, 26),
    Column("Agent chargé", lambda r: _user(r.assigned_to), 20),
    Column("Statut", lambda r: r.get_status_display(), 20),
    Column("Délai (jours)", lambda r: r.deadline_days, 10),
    Column("Décompte", lambda r: r.get_deadline_kind_display(), 16),
    Column("Échéance", lambda r: r.due_on, 12),
    Column("Accusé de réception le", lambda r: r.acknowledged_on, 14),
    Column("Répondue le", lambda r: r.answered_on, 12),
    Column("Réponse", lambda r: r.answer, 50),
    Column("Délai constaté (jours)", lambda r: r.answer_days, 12),
    Column("Dans le délai", lambda r: r.answered_on_time if r.answered_on_time is not None else "", 10),
    Column("Clôturée le", lambda r: r.closed_on, 12),
    Column("Anonymisée le", lambda r: r.anonymised_on, 12),
    Column("Saisie par", lambda r: _user(r.created_by), 18),
    Column("Saisie le", lambda r: r.created_at, 16),
]
