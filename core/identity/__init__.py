"""Identity resolution: which customer each incoming record belongs to, and why.

Deterministic keys (the record's own connector/external id, a personal email, an E.164
phone) link at once unless distinct people share them; everything else is scored
Fellegi-Sunter style against candidates found by blocking keys, and linked, queued for
review, or made a new customer. Every link keeps its explanation on the source record.
"""

from core.identity.errors import (
    CustomerNotFound,
    IdentityError,
    NotMerged,
    ReviewItemNotFound,
    SourceRecordNotFound,
    UnknownField,
)
from core.identity.explain import explain_customer
from core.identity.ingest import (
    CHUNK_SIZE,
    IngestResult,
    ingest_batch,
    ingest_customer,
    ingest_featured,
    ingest_prepared,
    prepare_items,
)
from core.identity.merge import merge_customers, split_source_record, unmerge_customer
from core.identity.options import IdentityOptions
from core.identity.rebuild import RebuildStats, rebuild
from core.identity.review import decide_review, list_review_items

__all__ = [
    "CHUNK_SIZE",
    "CustomerNotFound",
    "IdentityError",
    "IdentityOptions",
    "IngestResult",
    "NotMerged",
    "RebuildStats",
    "ReviewItemNotFound",
    "SourceRecordNotFound",
    "UnknownField",
    "decide_review",
    "explain_customer",
    "ingest_batch",
    "ingest_customer",
    "ingest_featured",
    "ingest_prepared",
    "list_review_items",
    "merge_customers",
    "prepare_items",
    "rebuild",
    "split_source_record",
    "unmerge_customer",
]
