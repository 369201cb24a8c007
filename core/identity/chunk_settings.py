"""The settings a chunk of records needs, read in one query.

Every chunk (and so every single-record resolve) needs the suppression key, read under
the chunk's key locks so that an erasure finishing first is seen, the survivorship
rules, its connector's kind (source priority ranks kinds) and the store's size (value
frequencies and thresholds are relative to it). On PostgreSQL each query is a round
trip, and one resolve makes about fifteen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.identity.estimates import HIGHEST_RECORD_ID
from core.identity.suppressed import KEY_SETTING, secret_from
from core.models import AppSetting, Connector
from core.records import SurvivorshipRules
from core.records.rules import SETTING_KEY as RULES_SETTING

_SECRET = select(AppSetting.value).where(AppSetting.key == KEY_SETTING).scalar_subquery()
_RULES = select(AppSetting.value).where(AppSetting.key == RULES_SETTING).scalar_subquery()
_KIND = select(Connector.kind).where(Connector.id == bindparam("connector_id")).scalar_subquery()
_ALL = select(_SECRET, _RULES, _KIND, HIGHEST_RECORD_ID.scalar_subquery())  # always one row


@dataclass(frozen=True)
class ChunkSettings:
    suppression_secret: bytes | None  # None while nothing was ever erased
    rules: SurvivorshipRules
    connector_kind: str  # the records' connector, for source priority ("" if deleted)
    record_total: int  # the highest source record id: the store's size, near enough


def read_chunk_settings(session: Session, connector_id: int) -> ChunkSettings:
    secret, rules, kind, total = session.execute(_ALL, {"connector_id": connector_id}).one()
    return ChunkSettings(
        secret_from(secret), SurvivorshipRules.from_setting(rules), kind or "", int(total or 0)
    )
