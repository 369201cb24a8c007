"""m and u from the stored data.

u (how often two different people agree on a value) comes from value frequencies: the
share of stored records holding that value, smoothed toward the default for small
stores. m (how often the same person agrees with themself) is learned from pairs of
records already linked by a shared email or phone, where names, company and address
were free to differ; with too few such pairs the defaults stand.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from core.identity.compare import COMPARISONS
from core.identity.features import Features, stored_features
from core.identity.options import IdentityOptions
from core.identity.weights import DEFAULT_M, Table
from core.models import SourceRecord

ESTIMATED_FIELDS = ("given_name", "family_name", "company", "postal_code", "city", "birth_date")
KEY_RULES = ("email", "phone")
FOUNDING_RULES = ("new", *KEY_RULES)  # links that did not look at these fields
SAMPLE_CUSTOMERS = 500
MIN_PAIRS = 100
CACHE_SECONDS = 300.0

_cache: dict[str, tuple[float, int, Table]] = {}
_cache_lock = threading.Lock()


# How many source records exist, near enough: the highest id (an index lookup). Read
# with the chunk settings (``core.identity.chunk_settings``) once per chunk or resolve.
HIGHEST_RECORD_ID = select(func.max(SourceRecord.id))


def estimate_m(session: Session, prior: float = 50.0) -> Table:
    """m per field and level from deterministically linked pairs; {} when too few."""
    recent = (  # newest first along the primary key: no scan of the whole table
        select(SourceRecord.customer_id)
        .where(SourceRecord.link_rule.in_(KEY_RULES), SourceRecord.customer_id.is_not(None))
        .order_by(SourceRecord.id.desc())
        .limit(SAMPLE_CUSTOMERS)
    )
    rows = session.execute(
        select(SourceRecord.customer_id, cast(SourceRecord.match_features, Text))
        .where(SourceRecord.customer_id.in_(recent), SourceRecord.link_rule.in_(FOUNDING_RULES))
        .order_by(SourceRecord.customer_id, SourceRecord.id)
    )
    groups: dict[int, list[Features]] = {}
    for customer_id, text in rows:  # mostly the same records chunk after chunk: cached
        groups.setdefault(customer_id, []).append(stored_features(text))
    pairs = [(first, other) for first, *others in groups.values() for other in others]
    return m_from_pairs(pairs, prior)


def m_from_pairs(pairs: list[tuple[Features, Features]], prior: float = 50.0) -> Table:
    """Observed level shares, each field smoothed toward its default with ``prior`` pairs."""
    if len(pairs) < MIN_PAIRS:
        return {}
    table: Table = {}
    for name in ESTIMATED_FIELDS:
        levels = Counter(outcome[0] for a, b in pairs if (outcome := COMPARISONS[name](a, b)))
        seen = sum(levels.values())
        table[name] = {
            level: (levels[level] + prior * m0) / (seen + prior)
            for level, m0 in DEFAULT_M[name].items()
        }
    return table


def cached_m(
    session: Session, options: IdentityOptions, total: int
) -> Mapping[str, Mapping[str, float]]:
    """``estimate_m`` reused for a few minutes per database (single-record ingestion).

    ``total`` is ``HIGHEST_RECORD_ID`` read now: a store smaller than when the estimate
    was made is another database at the same address (recreated), not a cache hit.
    """
    if not options.estimate_m:
        return {}
    url = str(session.get_bind().engine.url)
    with _cache_lock:
        hit = _cache.get(url)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS and hit[1] <= total:
        return hit[2]
    table = estimate_m(session, options.m_prior)
    with _cache_lock:
        _cache[url] = (time.monotonic(), total, table)
    return table
