"""Entry point: the ``crmhub`` command group."""

from __future__ import annotations

import click

from web.cli import (
    admin,
    demo,
    exports,
    forms_cmds,
    identity_cmds,
    imports,
    processes,
    status,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """crmhub: one record per customer, every activity logged, every change published.

    Every command reads its settings from CRMHUB_* environment variables.
    """


cli.add_command(processes.init)
cli.add_command(processes.run)
cli.add_command(processes.web)
cli.add_command(processes.worker)
cli.add_command(processes.beat)
cli.add_command(status.status)
cli.add_command(admin.user)
cli.add_command(admin.token)
cli.add_command(admin.rotate_keys)
cli.add_command(imports.import_group)
cli.add_command(exports.export_group)
cli.add_command(identity_cmds.identity_group)
cli.add_command(forms_cmds.forms_group)
cli.add_command(demo.demo)


def main() -> None:
    cli(prog_name="crmhub")
