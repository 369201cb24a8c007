"""Admin chores: users, API tokens, and rotation of the encryption keys."""

from __future__ import annotations

import os
import sys

import click
from cryptography.fernet import Fernet

from core import audit
from core.accounts import AccountError, create_api_token, create_user
from core.passwords import WeakPassword
from core.settings import ENCRYPTION_KEYS_FILE, PREFIX, write_encryption_keys
from core.vault import SecretUnreadable, Vault, rotate_all
from web.cli.context import CommandError, load_context


@click.group()
def user() -> None:
    """Manage the people who sign in."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["admin", "rep"]), required=True)
@click.option("--name", default="")
def user_create(email: str, role: str, name: str) -> None:
    """Create a user with a role; the password is asked for, or read from piped stdin."""
    ctx = load_context()
    password = _read_password()
    database = ctx.current_database()
    try:
        with database.session() as session:
            created = create_user(session, email, role, password=password, name=name)
            audit.record(
                session, ctx.actor, "user.create", target=created.email, details={"role": role}
            )
    except (AccountError, WeakPassword) as exc:
        raise CommandError(f"user not created: {exc}") from None
    click.echo(f"created {role} {created.email}")


@click.group()
def token() -> None:
    """Manage API tokens for other systems."""


@token.command("create")
@click.option("--name", required=True, help="what the token is for, e.g. 'billing sync'")
@click.option("--role", type=click.Choice(["admin", "rep"]), default="rep", show_default=True)
def token_create(name: str, role: str) -> None:
    """Create an API token; it is printed once and only its hash is kept."""
    ctx = load_context()
    database = ctx.current_database()
    try:
        with database.session() as session:
            row, plaintext = create_api_token(session, name, role)
            audit.record(
                session,
                ctx.actor,
                "token.create",
                target=row.name,
                details={"role": role, "prefix": row.prefix},
            )
    except AccountError as exc:
        raise CommandError(f"token not created: {exc}") from None
    click.echo(plaintext)
    click.echo(
        f"token {row.name!r} ({role}) created; store it now, it is not shown again", err=True
    )


@click.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every stored secret with a new key.

    With keys in the data dir, a new key is generated and put first, every secret is
    re-encrypted, then the old keys are dropped. With CRMHUB_ENCRYPTION_KEYS set, put the
    new key first in that variable, run this, then remove the old keys from it.
    """
    ctx = load_context()
    database = ctx.current_database()
    settings = ctx.settings
    from_file = not _keys_from_environment()
    keys = (
        (Fernet.generate_key().decode(), *settings.encryption_keys)
        if from_file
        else settings.encryption_keys
    )
    if from_file:
        write_encryption_keys(settings.data_dir, keys)  # old keys kept until the rotation lands
    try:
        with database.session() as session:
            count = rotate_all(session, Vault(keys))
            audit.record(session, ctx.actor, "keys.rotate", details={"secrets": count})
    except SecretUnreadable as exc:
        raise CommandError(f"rotation stopped, nothing changed: {exc}") from None
    if from_file:
        write_encryption_keys(settings.data_dir, keys[:1])
        click.echo(
            f"re-encrypted {count} secret(s) with a new key in "
            f"{settings.data_dir / ENCRYPTION_KEYS_FILE}; the old key was removed"
        )
    else:
        click.echo(
            f"re-encrypted {count} secret(s) with the first key of "
            f"{PREFIX}ENCRYPTION_KEYS; you may now remove the other keys from it"
        )


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _keys_from_environment() -> bool:
    return bool(os.environ.get(PREFIX + "ENCRYPTION_KEYS", "").strip())
