"""``crmhub import csv``: customers from a CSV file, in the foreground, with a report.

Exit status: 0 when at least one row reached a customer (bad rows are listed, they do
not fail the command); 1 when the file was read but no row could be imported, or the
database is unreachable; 2 when the file or the mapping is unusable, with nothing
imported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from connectors.csvimport import (
    DEFAULT_SOURCE,
    CsvFileError,
    ImportReport,
    import_csv,
    load_mapping,
    read_mapping_file,
)
from core.identity.options import IdentityOptions
from mapping import InvalidMapping
from web.cli.context import CommandError, load_context
from web.cli.database import opened_database
from web.cli.progress import progress_bar


class UnusableInput(CommandError):
    """The file or the mapping cannot be used at all: exit status 2, nothing imported."""

    exit_code = 2


@click.group("import")
def import_group() -> None:
    """Import customers from files."""


@import_group.command("csv")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="a JSON or YAML mapping document; without it, headers are canonical field names",
)
@click.option(
    "--source",
    default=DEFAULT_SOURCE,
    show_default=True,
    help="the import source: files of one source share their external ids",
)
@click.option(
    "--default-region",
    metavar="CC",
    default=None,
    help="two-letter country for phone numbers written without one, e.g. GB",
)
def import_csv_command(
    file: Path, mapping_file: Path | None, source: str, default_region: str | None
) -> None:
    """Import the customers of a CSV file; returns when every row is resolved."""
    ctx = load_context()
    document = _checked_mapping(mapping_file)
    options = _options(default_region)
    try:
        with (
            opened_database(ctx, preload=True) as database,
            progress_bar("importing", "rows") as update,
        ):
            report = import_csv(
                database,
                file,
                document,
                update,
                source=source,
                options=options,
                prepare_workers=_PREPARE_WORKERS,
            )
    except CsvFileError as exc:
        raise UnusableInput(f"{file}: nothing imported: {exc}") from None
    print_report(file, report)
    if report.imported == 0:
        raise CommandError(f"{file}: no row could be imported")


# A second core maps and normalizes the next page while this process writes; more
# children would wait on the one writer (preparing is about two fifths of the work).
_PREPARE_WORKERS = 1 if (os.cpu_count() or 1) > 1 else 0


def _options(default_region: str | None) -> IdentityOptions | None:
    if default_region is None:
        return None
    region = default_region.strip().upper()
    if len(region) != 2 or not region.isalpha():
        raise UnusableInput(
            f"--default-region must be a two-letter country code, not {default_region!r}"
        )
    return IdentityOptions(default_region=region)


def _checked_mapping(mapping_file: Path | None) -> str | None:
    """The mapping text, checked whole before the file is opened."""
    if mapping_file is None:
        return None
    try:
        document = read_mapping_file(mapping_file)
        load_mapping(document)
    except InvalidMapping as invalid:
        lines = "\n".join(f"  {error}" for error in invalid.errors)
        message = f"{mapping_file}: the mapping is refused, nothing imported:\n{lines}"
        raise UnusableInput(message) from None
    return document


FIELD_LABELS = {"email": "emails", "phone": "phones", "company_domain": "company domains"}
FLAG_LABELS = {"role": "role addresses", "freemail": "free-mail"}


def quality_lines(quality: dict[str, dict[str, Any]]) -> list[str]:
    """The data-quality counts, one line per field: what was usable, and why not."""
    if not quality:
        return []
    lines = ["data quality:"]
    for name, counts in quality.items():
        text = f"{counts['seen']} seen, {counts['valid']} valid, {counts['invalid']} invalid"
        reasons = counts.get("reasons") or {}
        if reasons:
            listed = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
            text += " (" + ", ".join(f"{why}: {n}" for why, n in listed) + ")"
        flags = counts.get("flags") or {}
        if flags:
            text += "; " + ", ".join(f"{FLAG_LABELS.get(f, f)}: {n}" for f, n in flags.items())
        lines.append(f"  {FIELD_LABELS.get(name, name)}: {text}")
    return lines


def print_report(file: Path, report: ImportReport) -> None:
    """The report on stdout: counts, warnings about the file, then rows with problems."""
    click.echo(
        f"imported {file} ({report.encoding}, {report.delimiter}-separated) "
        f"as source {report.source!r}"
    )
    counts = [("rows", report.rows), *report.actions.items()]
    counts += [("customers merged by a row", report.customers_merged)]
    counts += [("bad rows", report.bad_rows), ("rows with values left out", report.flagged_rows)]
    for label, value in counts:
        click.echo(f"  {label:<26}{value:>9}")
    for line in quality_lines(report.quality.to_dict()):
        click.echo(line)
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    for repeat in report.repeats:
        click.echo(f"warning: {repeat}")
    if report.repeated_ids > len(report.repeats):
        hidden = report.repeated_ids - len(report.repeats)
        click.echo(f"warning: ... and {hidden} more rows repeat an earlier row's external id")
    if report.problems:
        click.echo("rows with problems:")
    for problem in report.problems:
        click.echo(f"  {problem}")
    hidden = report.bad_rows + report.flagged_rows - len(report.problems)
    if hidden > 0:
        click.echo(f"  ... and {hidden} more (only the first {len(report.problems)} are listed)")
