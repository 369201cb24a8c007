"""``import_csv``: a CSV file to customers, through the ingest every connector uses.

Order of work, so that nothing is half-done for a reason known in advance: the mapping
is checked, then the file's encoding, delimiter and header; only then are rows read,
page by page, each page resolved and committed before the next is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from connectors.base import SourceItem, read_pages
from connectors.csvimport.columns import Columns, match_columns
from connectors.csvimport.connector import PAGE_SIZE, CsvImportConnector
from connectors.csvimport.dialect import DELIMITER_NAMES
from connectors.csvimport.layout import Layout
from connectors.csvimport.mappings import load_mapping
from connectors.csvimport.quality import count_checks
from connectors.csvimport.repeats import RepeatFinder
from connectors.csvimport.report import ImportReport, RowProblem
from connectors.csvimport.rows import PreparedRow, RefusedRow, prepare_row
from connectors.csvimport.source import DEFAULT_SOURCE, ensure_source
from core.db import Database
from core.identity import ingest_batch
from core.normalize import QualityReport
from mapping import CompiledMapping

Progress = Callable[[int, int], None]


def import_csv(
    database: Database,
    path: Path | str,
    mapping_doc: dict[str, Any] | str | None = None,
    progress: Progress | None = None,
    *,
    source: str = DEFAULT_SOURCE,
    options: Any = None,
    report: ImportReport | None = None,
    page_size: int = PAGE_SIZE,
) -> ImportReport:
    """Import every readable row; raises InvalidMapping or CsvFileError before any row.

    ``report``, when given, is filled as the import goes, so a caller's progress
    callback can publish the counts so far. Each page of ``page_size`` rows is
    resolved and committed before the next is read.
    """
    mapping, loose = load_mapping(mapping_doc)
    connector = CsvImportConnector({"path": str(path), "page_size": page_size})
    layout = connector.layout()
    columns = match_columns(layout.header, mapping, loose=loose)
    report = _describe(report if report is not None else ImportReport(), source, layout, columns)
    total = connector.count_rows()
    region = getattr(options, "default_region", None)
    connector_id = ensure_source(database, source)
    finder = RepeatFinder()
    if progress is not None:
        progress(0, total)
    for page in read_pages(connector, "rows"):
        problems = [RowProblem(item.position or 0, item.reason, True) for item in page.skipped]
        ready = _prepare(page.items, mapping, columns, problems, region, quality=report.quality)
        for result in ingest_batch(database, connector_id, _items(ready), options=options):
            report.count(result.action)
        _record(report, problems, ready)
        for repeat in finder.repeats(ready):
            report.repeated(repeat)
        report.rows += len(page.items) + len(page.skipped)
        if progress is not None:
            progress(report.rows, max(total, report.rows))
    return report


def _describe(report: ImportReport, source: str, layout: Layout, columns: Columns) -> ImportReport:
    report.source, report.encoding = source, layout.encoding.label
    report.delimiter = DELIMITER_NAMES.get(layout.delimiter, layout.delimiter)
    if columns.unknown:
        names = ", ".join(columns.unknown)
        report.warnings.append(f"columns the mapping does not read were left out: {names}")
    unnamed = len(layout.header) - len(layout.named_columns)
    if unnamed:
        report.warnings.append(f"{unnamed} column(s) without a name were left out")
    return report


def _prepare(
    items: Iterable[SourceItem],
    mapping: CompiledMapping,
    columns: Columns,
    problems: list[RowProblem],
    region: str | None,
    *,
    quality: QualityReport,
) -> list[PreparedRow]:
    ready: list[PreparedRow] = []
    for item in items:
        try:
            row = prepare_row(item, mapping, columns.rename, region)
        except RefusedRow as refused:
            problems.append(RowProblem(item.position or 0, str(refused), True))
            count_checks(quality, refused.checks)
        else:
            ready.append(row)
            count_checks(quality, row.checks)
    return ready


def _items(ready: list[PreparedRow]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return [(row.external_id, row.raw, row.mapped) for row in ready]


def _record(report: ImportReport, problems: list[RowProblem], ready: list[PreparedRow]) -> None:
    """Add a page's problems in line order: refused rows and rows with values left out."""
    problems += [RowProblem(row.line, "; ".join(row.notes), False) for row in ready if row.notes]
    for problem in sorted(problems, key=lambda item: item.line):
        if problem.bad:
            report.bad(problem.line, problem.reason)
        else:
            report.flagged(problem.line, (problem.reason,))
