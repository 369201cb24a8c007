"""The ``crmhub`` command line: set-up, the processes of a deployment, and admin chores."""

from web.cli.main import main

__all__ = ["main"]
