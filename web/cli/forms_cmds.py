"""``crmhub forms add``: a web-forms source, with its hook URL and secret printed once."""

from __future__ import annotations

import click
from marshmallow import ValidationError

from connectors.forms import SourceExists, create_forms_source
from core import audit
from core.vault import Vault
from web.cli.context import CommandError, load_context
from webhooks.inbound import hook_url

NOTES = {
    "token": "post the form to the hook URL, which holds the secret; it is not shown again",
    "hmac": "sign every post with the secret (Standard Webhooks); it is not shown again",
}


@click.group("forms")
def forms_group() -> None:
    """Web forms and other systems that post leads to crmhub."""


@forms_group.command("add")
@click.argument("name")
@click.option(
    "--auth",
    type=click.Choice(["hmac", "token"]),
    default="hmac",
    show_default=True,
    help="hmac: posts are signed (Standard Webhooks); token: the secret is in the URL",
)
@click.option("--default-region", default=None, help="country for national phone numbers, e.g. GB")
def forms_add(name: str, auth: str, default_region: str | None) -> None:
    """Add a source; its hook URL and secret are printed once, only encrypted is kept."""
    ctx = load_context()
    database = ctx.current_database()
    settings = {"default_region": default_region} if default_region else {}
    try:
        with database.session() as session:
            created = create_forms_source(
                session, Vault(ctx.settings.encryption_keys), name, auth=auth, settings=settings
            )
            audit.record(
                session,
                ctx.actor,
                "forms.created",
                target=f"connector {created.connector_id}",
                details={"name": created.name, "auth": created.auth, **settings},
            )
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {v}" for k, v in exc.normalized_messages().items())
        raise CommandError(f"web form not added: {problems}") from None
    except (SourceExists, ValueError) as exc:
        raise CommandError(f"web form not added: {exc}") from None
    in_url = created.secret if created.auth == "token" else None
    click.echo(f"hook URL: {hook_url(ctx.settings.base_url, created.connector_id, in_url)}")
    click.echo(f"secret: {created.secret}")
    click.echo(NOTES[created.auth], err=True)
