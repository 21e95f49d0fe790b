"""Excel export of findings (what the list shows, filtered), every field with French headers."""

from qualipref.excel import Column, xlsx_response


def _reference(f):
    ref = f.criterion or f.engagement
    return ref.code if ref else ""


FINDING_COLUMNS = [
    Column("N°", lambda f: f.number, 6),
    Column("Entité", lambda f: f.entity.name if f.entity_id else "Département (constat général)", 32),
    Column("Site", lambda f: f.site.name if f.site_id else "", 18),
    Column("Audit", lambda f: f.audit.title if f.audit_id else "", 40),
    Column("Type d'audit", lambda f: f.audit.get_kind_display() if f.audit_id else "", 24),
    Column("Type de constat", lambda f: f.finding_type.label, 22),
    Column("Module", lambda f: f.module.number if f.module_id else "", 8),
    Column("Engagement ou critère", _reference, 12),
    Column("Intitulé", lambda f: f.title, 50),
    Column("Description", lambda f: f.description, 60),
    Column("Constaté le", lambda f: f.observed_on, 12),
    Column("Statut", lambda f: f.get_status_display(), 18),
    Column("Note de vérification", lambda f: f.verification_note, 40),
    Column("Vérifié le", lambda f: f.verified_on, 12),
]

AUDIT_COLUMNS_BASE = [
    Column("Entité", lambda a: a.entity.name, 32),
    Column("Intitulé", lambda a: a.title, 45),
    Column("Type", lambda a: a.get_kind_display(), 24),
    Column("Début", lambda a: a.start_on, 12),
    Column("Fin", lambda a: a.end_on, 12),
    Column("Modules", lambda a: ", ".join(str(m.number) for m in a.modules.all()), 10),
    Column("Organisme externe", lambda a: a.external_body, 20),
    Column("Statut", lambda a: a.get_status_display(), 14),
    Column("Constats", lambda a: a.n_findings, 10),
]


def findings_xlsx(findings, filename="constats.xlsx"):
    return xlsx_response(filename, [("Constats", FINDING_COLUMNS, findings)])


def audits_xlsx(audits, types, filename="audits.xlsx"):
    columns = AUDIT_COLUMNS_BASE + [
        Column(t.label_plural or t.label, (lambda code: lambda a: getattr(a, f"n_{code}"))(t.code), 14)
        for t in types
    ]
    return xlsx_response(filename, [("Audits", columns, audits)])
