"""Pages: dashboard and customers for everyone; review, imports, audit log, users for admins."""

from web.ui import (
    admin,
    customer_actions,
    customers,
    dashboard,
    display,
    email_settings,
    imports,
    inbound,
    mailboxes,
    mailboxes_emails,
    review,
    web_forms,
    webhooks,
    webhooks_actions,
    webhooks_allowlist,
    webhooks_display,
    webhooks_endpoint,
)
from web.ui.blueprint import blueprint

__all__ = [
    "admin",
    "blueprint",
    "customer_actions",
    "customers",
    "dashboard",
    "display",
    "email_settings",
    "imports",
    "inbound",
    "mailboxes",
    "mailboxes_emails",
    "review",
    "web_forms",
    "webhooks",
    "webhooks_actions",
    "webhooks_allowlist",
    "webhooks_display",
    "webhooks_endpoint",
]
