"""The embedded broker: kombu's SQL transport, polling its queues ten times a second.

kombu's virtual transports look for messages every ``polling_interval`` seconds (1 s
by default), and every hop of a webhook on its way through crmhub (stored, processed,
sent) waits for the next poll. The SQL transport hands all of its options to
``create_engine``, which refuses one it does not know, so this channel keeps the
transport's own option out of the engine's.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import sqlalchemy
from sqlalchemy import event

POLLING_INTERVAL_SECONDS = 0.1
TRANSPORT = "worker.sql_broker:Transport"
_TRANSPORT_ONLY = ("polling_interval",)


class Channel(sqlalchemy.Channel):  # type: ignore[misc]
    def _engine_from_config(self) -> Any:
        options = self.connection.client.transport_options
        kept = {name: options.pop(name) for name in _TRANSPORT_ONLY if name in options}
        try:
            engine = super()._engine_from_config()
        finally:
            options.update(kept)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite)
        return engine


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL, and no fsync per message: a publish took 22 ms with SQLite's defaults.

    A message only says "look now"; the work it points at is in the database, and the
    sweepers queue again whatever a lost message would have started.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Transport(sqlalchemy.Transport):  # type: ignore[misc]
    Channel = Channel


def celery_broker(broker_url: str) -> tuple[str, str]:
    """(URL, transport) for Celery: an ``sqla+`` URL names kombu's transport, so drop it."""
    return broker_url.removeprefix("sqla+"), TRANSPORT
