import pytest

from core.db import Database
from tests.core.identity.support import make_connectors


@pytest.fixture
def sources(database: Database) -> list[int]:
    """Three connectors of different kinds: a CSV import, a support desk, web forms."""
    return make_connectors(database, "csvimport", "zendesk", "forms")
