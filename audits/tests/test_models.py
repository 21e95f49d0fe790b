"""Values other layers rely on."""

from audits.models import Audit


def test_the_referential_names_the_label_audit_kinds_and_done_statuses_as_audits_define_them():
    """The label cycle (referential/cycles.py, a lower layer) reads audits by their kind and status values."""
    from referential import cycles

    assert set(cycles.LABEL_AUDIT_KINDS) == {Audit.Kind.EXTERNAL, Audit.Kind.FOLLOW_UP, Audit.Kind.RENEWAL}
    assert set(cycles.AUDIT_DONE_STATUSES) == {Audit.Status.REPORT_ISSUED, Audit.Status.CLOSED}
    assert set(Audit.Kind.values) - {Audit.Kind.SELF_ASSESSMENT} == {*cycles.LABEL_AUDIT_KINDS, "internal"}
