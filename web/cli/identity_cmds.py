"""``crmhub identity rebuild``: recompute every link and golden record from source records.

Source records keep their raw payload and mapped fields, so identity resolution can be
run again from scratch (after a rule change, or to check the stored links), keeping
the verdicts people gave on possible duplicates.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import click

from core.identity import rebuild
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


def _fields(stats: Any) -> dict[str, Any]:
    """The figures of the rebuild's result, whatever plain shape it has."""
    if dataclasses.is_dataclass(stats) and not isinstance(stats, type):
        return dataclasses.asdict(stats)
    if isinstance(stats, dict):
        return dict(stats)
    return dict(vars(stats))
