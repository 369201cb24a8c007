"""What every command needs: settings, the database, and errors as one-line messages."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import click

from core import migrate
from core.db import Database, DatabaseUnavailable
from core.settings import ConfigError, Settings, load_settings


class CommandError(click.ClickException):
    """A failure the user can act on: printed as one line, exit status 1."""

    def format_message(self) -> str:
        return self.message


@dataclass
class CliContext:
    settings: Settings
    _database: Database | None = None

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = Database(self.settings.database_url)
        return self._database

    def checked_database(self) -> Database:
        """The database, after a ping; unreachable → a one-line error naming it."""
        try:
            self.database.ping()
        except DatabaseUnavailable as exc:
            raise CommandError(
                f"cannot reach the database at {redact_url(self.settings.database_url)}: {exc}"
            ) from None
        return self.database

    def current_database(self) -> Database:
        """The checked database, refused with a one-line hint when its schema is old.

        A fresh data folder has no tables until ``crmhub init``; without this check a
        command failed with SQLAlchemy's "no such table" and a traceback.
        """
        database = self.checked_database()
        if not migrate.is_up_to_date(database):
            raise CommandError(
                f"the database at {redact_url(self.settings.database_url)} has no current "
                "schema: run `crmhub init` first (it creates or upgrades the tables)"
            )
        return database

    @property
    def actor(self) -> str:
        return f"cli:{getpass.getuser()}"


class SettingError(CommandError):
    """A bad CRMHUB_* variable: one line naming it, exit status 2."""

    exit_code = 2


def load_context() -> CliContext:
    try:
        return CliContext(load_settings())
    except ConfigError as exc:
        raise SettingError(f"invalid setting {exc}") from None


def redact_url(url: str) -> str:
    """The URL without its password, safe to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
