"""Pages: the dashboard for everyone, the audit log and users for admins."""

from web.ui import admin, dashboard
from web.ui.blueprint import blueprint

__all__ = ["admin", "blueprint", "dashboard"]
