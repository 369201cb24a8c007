"""``crmhub identity rebuild``: recompute every link and golden record from source records;
``crmhub identity count-common-keys``: count the store's common keys now.

Source records keep their raw payload and mapped fields, so identity resolution can be
run again from scratch (after a rule change, or to check the stored links), keeping
the verdicts people gave on possible duplicates. The common keys' count runs hourly
under beat and after a large CSV import; after a large load through another connector
an admin can run it at once.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import click

from core.identity import rebuild
from core.identity.common_counts import COMMON_COUNT
from core.identity.common_keys import refresh_common_keys
from web.cli.context import load_context
from web.cli.database import opened_database
from web.cli.progress import progress_bar


@click.group("identity")
def identity_group() -> None:
    """Identity resolution: links between source records and customers."""


@identity_group.command("rebuild")
def identity_rebuild() -> None:
    """Re-resolve every source record and recompute every golden record."""
    ctx = load_context()
    with (
        opened_database(ctx, preload=True) as database,
        progress_bar("rebuilding", "records") as update,
    ):
        stats = rebuild(database, progress=update)
    click.echo("identity rebuilt")
    for name, value in _fields(stats).items():
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        click.echo(f"  {name.replace('_', ' '):<24}{shown:>9}")


@identity_group.command("count-common-keys")
def identity_count_common_keys() -> None:
    """Count the keys many records hold, whose shares resolves read (beat: hourly)."""
    ctx = load_context()
    with opened_database(ctx) as database:
        started = time.monotonic()
        found = refresh_common_keys(database)
    seconds = time.monotonic() - started
    click.echo(
        f"counted {found:,} common keys (held by {COMMON_COUNT} records or more) in {seconds:.1f} s"
    )


def _fields(stats: Any) -> dict[str, Any]:
    """The figures of the rebuild's result, whatever plain shape it has."""
    if dataclasses.is_dataclass(stats) and not isinstance(stats, type):
        return dataclasses.asdict(stats)
    if isinstance(stats, dict):
        return dict(stats)
    return dict(vars(stats))
