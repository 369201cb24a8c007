"""Pages: dashboard and customers for everyone; review, imports, audit log, users for admins."""

from web.ui import admin, customer_actions, customers, dashboard, display, imports, review
from web.ui.blueprint import blueprint

__all__ = [
    "admin",
    "blueprint",
    "customer_actions",
    "customers",
    "dashboard",
    "display",
    "imports",
    "review",
]
