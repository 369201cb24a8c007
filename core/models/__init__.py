"""Every table of crmhub; importing this module registers them all on ``Base.metadata``."""

from core.models.activities import ACTIVITY_TYPES, Activity, ActivityCustomer, ActivityRep
from core.models.base import Base, UTCDateTime, utcnow
from core.models.connectors import Connector, SyncRun
from core.models.customers import Company, Customer, IdentityKey, SourceRecord
from core.models.identity import (
    REVIEW_REASONS,
    REVIEW_STATUSES,
    CommonKey,
    CustomerMerge,
    NonMatch,
    ReviewItem,
    SharedKey,
)
from core.models.mail import PRIVACY_LEVELS, MailboxMessage, PrivateThread
from core.models.privacy import Suppression
from core.models.ratelimits import ApiRateWindow
from core.models.system import AppSetting, TaskDelivery, WorkerHeartbeat
from core.models.users import ROLES, ApiToken, AuditEntry, LoginAttempt, OneTimeToken, User
from core.models.webhooks import (
    Delivery,
    DeliveryAttempt,
    InboundEvent,
    OutboxEvent,
    WebhookEndpoint,
)

__all__ = [
    "ACTIVITY_TYPES",
    "PRIVACY_LEVELS",
    "REVIEW_REASONS",
    "REVIEW_STATUSES",
    "ROLES",
    "Activity",
    "ActivityCustomer",
    "ActivityRep",
    "ApiRateWindow",
    "ApiToken",
    "AppSetting",
    "AuditEntry",
    "Base",
    "CommonKey",
    "Company",
    "Connector",
    "Customer",
    "CustomerMerge",
    "Delivery",
    "DeliveryAttempt",
    "IdentityKey",
    "InboundEvent",
    "LoginAttempt",
    "MailboxMessage",
    "NonMatch",
    "OneTimeToken",
    "OutboxEvent",
    "PrivateThread",
    "ReviewItem",
    "SharedKey",
    "SourceRecord",
    "Suppression",
    "SyncRun",
    "TaskDelivery",
    "UTCDateTime",
    "User",
    "WebhookEndpoint",
    "WorkerHeartbeat",
    "utcnow",
]
