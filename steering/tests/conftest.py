import pytest

from referential.loader import DEFAULT_FILE, load_referential


@pytest.fixture
def referential(db):
    return load_referential(DEFAULT_FILE).referential
