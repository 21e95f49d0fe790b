import datetime as dt

import pytest

from publication import collect, services
from referential.loader import DEFAULT_FILE, load_referential
from referential.models import LabelScope, Module

from . import factories as f

PERIOD = (dt.date(2015, 1, 1), dt.date(2015, 12, 31))


@pytest.fixture
def referential(db):
    return load_referential(DEFAULT_FILE).referential


@pytest.fixture
def arles_data(org, referential, istres_agent):
    """Arles: 2014 and 2015 surveys, and 2015 complaints (3 answered, 2 on time; 1 still open)."""
    c2014 = f.campaign(org.bdr, 2014)
    c2015 = f.campaign(org.bdr, 2015)
    f.results(c2014, org.arles, {"courtoisie": 80, "attente": 50}, unit_name="Arles – pré-accueil")
    f.results(c2015, org.arles, {"courtoisie": 91, "attente": 51.5}, unit_name="Arles – pré-accueil")
    f.complaint(
        org.arles,
        received_on=dt.date(2015, 3, 1),
        answered_on=dt.date(2015, 3, 10),
        requester_name="Jeanne Requérante",
        description="Texte confidentiel de la réclamation",
        assigned_to=istres_agent,
    )
    f.complaint(org.arles, received_on=dt.date(2015, 6, 1), answered_on=dt.date(2015, 6, 5))
    f.complaint(org.arles, received_on=dt.date(2015, 9, 1), answered_on=dt.date(2015, 10, 1))
    f.complaint(org.arles, received_on=dt.date(2015, 11, 2))
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    LabelScope.objects.create(
        entity=org.arles_entity,
        module=modules[1],
        status="labelled",
        awarded_on="2015-11-27",
        valid_until="2018-11-26",
    )
    return {"c2014": c2014, "c2015": c2015}


@pytest.fixture
def arles_draft(org, arles_data, arles_referent):
    return services.snapshot_prepare(
        site=org.arles,
        start=PERIOD[0],
        end=PERIOD[1],
        families=[code for code, _ in collect.FAMILIES],
        campaign=arles_data["c2015"],
        by=arles_referent,
    )


@pytest.fixture
def arles_published(arles_draft, arles_referent):
    return services.snapshot_publish(snapshot=arles_draft, by=arles_referent)
