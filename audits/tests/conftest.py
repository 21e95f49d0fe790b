import datetime as dt

import pytest

from audits import services
from audits.models import Audit
from referential.loader import DEFAULT_FILE, load_referential
from referential.models import FindingType, LabelScope, Module
from tests import factories as f


@pytest.fixture
def referential(org):
    referential = load_referential(DEFAULT_FILE).referential
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    for entity, numbers in (
        (org.prefecture, [1, 4, 7]),
        (org.aix_entity, [1, 4]),
        (org.arles_entity, [1, 4]),
        (org.istres_entity, [1, 4]),
        (org.vaucluse_entity, [1]),
    ):
        for n in numbers:
            LabelScope.objects.create(
                entity=entity,
                module=modules[n],
                status=LabelScope.Status.LABELLED,
                awarded_on=dt.date(2015, 11, 27),
                next_audit_on=dt.date(2017, 6, 15),
            )
    return referential


@pytest.fixture
def types(referential):
    return {t.code: t for t in FindingType.objects.filter(referential=referential)}


@pytest.fixture
def module(referential):
    return lambda number: Module.objects.get(referential=referential, number=number)


@pytest.fixture
def manager(quality_manager):
    return quality_manager


@pytest.fixture
def make_audit(referential, quality_manager, module):
    def make(entity, *, kind=Audit.Kind.INTERNAL, start=dt.date(2015, 6, 8), end=None, modules=(1,), **kw):
        return services.audit_create(
            entity=entity,
            kind=kind,
            title=kw.pop("title", f"Audit {kind} {entity.name} {start:%Y-%m}"),
            referential=referential,
            start_on=start,
            end_on=end or start,
            modules=[module(n) for n in modules],
            by=quality_manager,
            **kw,
        )

    return make


@pytest.fixture
def arles_auditor(org):
    """An auditor whose membership covers only the Arles entity."""
    return f.persona("auditeur.arles", "auditor", org.bdr, entity=org.arles_entity)
