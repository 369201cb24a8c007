"""Fixtures for outbound webhooks: a vault, receivers, a canary, and a small world."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from core.db import Database
from core.models import AppSetting, Delivery, DeliveryAttempt, OutboxEvent, WebhookEndpoint
from core.outbox import write_event
from core.upsert import upsert
from core.vault import Vault
from tests.webhooks.outbound.receivers import Canary, Receiver, Reply
from webhooks.outbound import (
    create_endpoint,
    deliver_due,
    fan_out,
    save_allowlist,
)
from webhooks.outbound.delivering import RunStats, SendPool
from webhooks.outbound.options import OPTIONS_KEY

LOOPBACK = "127.0.0.1/32"


@pytest.fixture
def vault() -> Vault:
    return Vault([Fernet.generate_key().decode()])


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    started: list[Receiver] = []

    def start(
        *replies: Reply, secrets: tuple[str, ...] = (), default: Reply | None = None
    ) -> Receiver:
        receiver = Receiver(secrets, default).then(*replies).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.stop()


@pytest.fixture
def pool() -> Iterator[SendPool]:
    send_pool = SendPool(concurrency=8)
    yield send_pool
    send_pool.close()


class World:
    """The database, the vault and the send pool, with the steps tests repeat."""

    def __init__(self, database: Database, vault: Vault, pool: SendPool) -> None:
        self.database = database
        self.vault = vault
        self.pool = pool

    def allow_loopback(self) -> None:
        with self.database.session() as session:
            save_allowlist(session, [LOOPBACK])

    def set_options(self, **options: Any) -> None:
        with self.database.session() as session:
            upsert(
                session,
                AppSetting,
                key={"key": OPTIONS_KEY},
                insert={"value": options},
                update={"value": options},
            )

    def endpoint(self, url: str, event_types: tuple[str, ...] = ("*",)) -> tuple[int, str]:
        """A saved endpoint (through the guard, with the stored allow-list): id and secret."""
        with self.database.session() as session:
            created = create_endpoint(session, self.vault, url, event_types=event_types)
            return created.endpoint.id, created.secret

    def raw_endpoint(self, url: str, secret: str = "whsec_" + "A" * 43) -> int:
        """An endpoint row written past the guard, as if the URL had been allowed once."""
        with self.database.session() as session:
            row = WebhookEndpoint(
                url=url, event_types=["*"], secret_encrypted=self.vault.encrypt(secret)
            )
            session.add(row)
            session.flush()
            return row.id

    def event(self, event_type: str = "customer.updated", sequence: int = 1, **payload: Any) -> str:
        with self.database.session() as session:
            event = write_event(
                session,
                event_type,
                subject_type="customer",
                subject_id=7,
                sequence=sequence,
                payload={"id": 7, **payload},
            )
            session.flush()
            return event.event_id

    def dispatch(self) -> int:
        with self.database.session() as session:
            return fan_out(session).deliveries

    def deliver(self) -> RunStats:
        return deliver_due(self.database, self.vault, pool=self.pool)

    def deliveries(self) -> list[Delivery]:
        with self.database.session() as session:
            return list(session.scalars(select(Delivery).order_by(Delivery.id)))

    def delivery(self, delivery_id: int | None = None) -> Delivery:
        rows = self.deliveries()
        return rows[0] if delivery_id is None else next(d for d in rows if d.id == delivery_id)

    def attempts(self, delivery_id: int) -> list[DeliveryAttempt]:
        with self.database.session() as session:
            query = select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id)
            return list(session.scalars(query.order_by(DeliveryAttempt.id)))

    def endpoint_row(self, endpoint_id: int) -> WebhookEndpoint:
        with self.database.session() as session:
            row = session.get(WebhookEndpoint, endpoint_id)
            assert row is not None
            return row

    def events(self) -> list[OutboxEvent]:
        with self.database.session() as session:
            return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)))


@pytest.fixture
def world(database: Database, vault: Vault, pool: SendPool) -> World:
    return World(database, vault, pool)
