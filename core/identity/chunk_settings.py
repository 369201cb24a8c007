"""The organization settings a chunk of records needs, read in one query.

Every chunk (and so every single-record resolve) needs the suppression key, read under
the chunk's key locks so that an erasure finishing first is seen, and the survivorship
rules. On PostgreSQL each query is a round trip, and one resolve makes about fifteen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity.suppressed import KEY_SETTING, secret_from
from core.models import AppSetting
from core.records import SurvivorshipRules
from core.records.rules import SETTING_KEY as RULES_SETTING

_BOTH = select(AppSetting.key, AppSetting.value).where(
    AppSetting.key.in_([KEY_SETTING, RULES_SETTING])
)


@dataclass(frozen=True)
class ChunkSettings:
    suppression_secret: bytes | None  # None while nothing was ever erased
    rules: SurvivorshipRules


def read_chunk_settings(session: Session) -> ChunkSettings:
    stored: dict[str, Any] = dict(session.execute(_BOTH).all())
    rules = SurvivorshipRules.from_setting(stored.get(RULES_SETTING))
    return ChunkSettings(secret_from(stored.get(KEY_SETTING)), rules)
