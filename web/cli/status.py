"""``crmhub status``: the health of a deployment, as an operator reads it in a terminal."""

from __future__ import annotations

import click

from core import migrate
from web.cli.context import load_context, redact_url
from worker.health import Health, collect_health


@click.command()
def status() -> None:
    """Show database, broker, workers, queue depths and recent errors."""
    ctx = load_context()
    health = collect_health(ctx.settings, ctx.database)
    _print(health, ctx.settings.database_url, ctx.settings.broker_url)
    if health.database.ok:
        revision = migrate.current_revision(ctx.database)
        current = revision == migrate.head_revision()
        click.echo(f"schema     {revision or 'none'}{'' if current else ' (run crmhub init)'}")
    if not (health.database.ok and health.broker.ok):
        raise SystemExit(1)


def _print(health: Health, database_url: str, broker_url: str) -> None:
    click.echo(
        f"database   {_state(health.database.ok)}  {redact_url(database_url)}"
        f"{'' if health.database.ok else '  ' + health.database.detail}"
    )
    click.echo(
        f"broker     {_state(health.broker.ok)}  {redact_url(broker_url)}"
        f"{'' if health.broker.ok else '  ' + health.broker.detail}"
    )
    alive = health.workers_alive
    click.echo(f"workers    {alive} alive" + ("" if alive else "  (start one: crmhub worker)"))
    for info in health.workers:
        seen = info.last_seen.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(
            f"  {info.hostname}  pid {info.pid}  {'alive' if info.alive else 'stale'}"
            f"  last seen {seen}  queues {info.queues}"
        )
    click.echo(
        "queues     "
        + "  ".join(
            f"{name} {'?' if depth is None else depth}" for name, depth in health.queues.items()
        )
    )
    if health.recent_errors:
        click.echo("recent errors")
        for error in health.recent_errors:
            click.echo(f"  {error.at:%Y-%m-%d %H:%M:%S}  {error.source}: {error.message}")


def _state(ok: bool) -> str:
    return "ok  " if ok else "DOWN"
