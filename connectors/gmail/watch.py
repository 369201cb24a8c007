"""Keeping Gmail's push watch alive: ``users.watch`` per mailbox, renewed daily.

A watch expires after 7 days and Google recommends renewing it daily, so the renewal
simply watches every active mailbox again. Each mailbox's watch (topic, expiration,
when it was renewed) is kept in an AppSetting row ``gmail.watch.<connector id>``, not
in the connector's settings: those are the admin's validated configuration (their
schema refuses unknown keys), and the sync rewrites the cursor column page by page.
With no topic configured nothing is watched: the poll alone keeps mailboxes current.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError
from sqlalchemy import select

from connectors.gmail.client import GmailClient
from connectors.sync.errors import NeedsReconnect, RateLimited, Transient
from core.db import Database
from core.models import AppSetting, Connector, utcnow

log = logging.getLogger(__name__)
KEY_PREFIX = "gmail.watch."


@dataclass(frozen=True)
class Watch:
    topic: str
    history_id: str
    expiration: datetime


def start_watch(client: GmailClient, topic: str) -> Watch:
    """Ask Gmail to publish this mailbox's changes to ``topic`` (also renews a watch)."""
    answer = client.watch(topic)
    expires = datetime.fromtimestamp(int(answer["expiration"]) / 1000, tz=UTC)
    return Watch(topic, str(answer["historyId"]), expires)


def watch_key(connector_id: int) -> str:
    return f"{KEY_PREFIX}{connector_id}"


def stored_watch(database: Database, connector_id: int) -> dict[str, Any] | None:
    with database.session() as session:
        row = session.get(AppSetting, watch_key(connector_id))
        return None if row is None else dict(row.value)


def renew_watches(
    database: Database, topic: str, client_for: Callable[[int], GmailClient]
) -> dict[str, int]:
    """Watch every active Gmail mailbox again; one failing mailbox never stops the rest."""
    counts = {"renewed": 0, "failed": 0, "skipped": 0}
    for connector_id, own_topic in _mailboxes(database):
        chosen = own_topic or topic
        if not chosen:
            counts["skipped"] += 1
            continue
        try:
            watch = start_watch(client_for(connector_id), chosen)
        except (NeedsReconnect, RateLimited, Transient, HttpError, RefreshError) as error:
            log.warning("gmail watch of connector %s not renewed: %s", connector_id, error)
            counts["failed"] += 1
            continue
        _store(database, connector_id, watch)
        counts["renewed"] += 1
    return counts


def ensure_watch(database: Database, connector_id: int, topic: str, client: GmailClient) -> bool:
    """Watch a mailbox that has no watch yet (one just connected); True when it started.

    The daily renewal would reach it within a day; until then its mail would come only
    with the poll. A failure is logged and left to the renewal, never raised: the sync
    that calls this has done its work.
    """
    active = dict(_mailboxes(database))
    chosen = active.get(connector_id, "") or topic
    if connector_id not in active or not chosen or stored_watch(database, connector_id):
        return False
    try:
        watch = start_watch(client, chosen)
    except (NeedsReconnect, RateLimited, Transient, HttpError, RefreshError) as error:
        log.warning("gmail watch of connector %s not started: %s", connector_id, error)
        return False
    _store(database, connector_id, watch)
    return True


def _mailboxes(database: Database) -> list[tuple[int, str]]:
    with database.session() as session:
        rows = session.execute(
            select(Connector.id, Connector.settings).where(
                Connector.kind == "gmail", Connector.status == "active"
            )
        ).all()
    return [(row.id, str((row.settings or {}).get("push_topic", ""))) for row in rows]


def _store(database: Database, connector_id: int, watch: Watch) -> None:
    value = {
        "topic": watch.topic,
        "history_id": watch.history_id,
        "expiration": watch.expiration.isoformat(),
        "renewed_at": utcnow().isoformat(),
    }
    with database.session() as session:
        row = session.get(AppSetting, watch_key(connector_id))
        if row is None:
            session.add(AppSetting(key=watch_key(connector_id), value=value))
        else:
            row.value = value
