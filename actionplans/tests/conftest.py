import datetime as dt

import pytest

from referential.loader import DEFAULT_FILE, load_referential
from referential.models import FindingType, Module


@pytest.fixture
def referential(org):
    return load_referential(DEFAULT_FILE).referential


@pytest.fixture
def modules(referential):
    return {m.number: m for m in Module.objects.filter(referential=referential)}


@pytest.fixture
def finding_types(referential):
    return {t.code: t for t in FindingType.objects.filter(referential=referential)}


@pytest.fixture
def make_finding(org, finding_types, modules):
    from audits.models import Finding

    def make(entity=None, *, code="sensitive_point", title="Affichage des horaires peu lisible", site=None):
        entity = entity or org.arles_entity
        return Finding.objects.create(
            department=entity.department,
            entity=entity,
            site=site,
            finding_type=finding_types[code],
            module=modules[1],
            title=title,
            observed_on=dt.date(2015, 6, 10),
        )

    return make
