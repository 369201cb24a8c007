"""A vault and forms sources on each database backend, plus inbox counting helpers."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from connectors.forms import CreatedSource, create_forms_source
from core.db import Database
from core.models import Activity, Customer, InboundEvent, OutboxEvent
from core.vault import Vault


@pytest.fixture
def vault() -> Vault:
    return Vault([Fernet.generate_key().decode()])


@pytest.fixture
def signed_source(database: Database, vault: Vault) -> CreatedSource:
    with database.session() as session:
        return create_forms_source(session, vault, "Partner leads", "hmac")


@pytest.fixture
def token_source(database: Database, vault: Vault) -> CreatedSource:
    with database.session() as session:
        return create_forms_source(session, vault, "Contact form", "token")


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def inbox(database: Database) -> list[InboundEvent]:
    with database.session() as session:
        return list(session.scalars(select(InboundEvent).order_by(InboundEvent.id)))


def outbox_types(database: Database) -> list[str]:
    with database.session() as session:
        return sorted(session.scalars(select(OutboxEvent.type)))


def effects(database: Database) -> tuple[int, int]:
    """(customers, activities): what processing has made so far."""
    return count(database, Customer), count(database, Activity)
