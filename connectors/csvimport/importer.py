"""``import_csv``: a CSV file to customers, through the ingest every connector uses.

Order of work, so that nothing is half-done for a reason known in advance: the mapping
is checked, then the file's encoding, delimiter and header; only then are rows read,
page by page, each page resolved and committed on its own. A page is mapped and
normalized before any of it is written, and that work may run ahead in a child process.
An import that grew the store by a twentieth recounts the store's common keys at its
end (``core.identity.common_keys``), as its values may have become common.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from connectors.base import Page, read_pages
from connectors.csvimport.columns import Columns, match_columns
from connectors.csvimport.connector import PAGE_SIZE, CsvImportConnector
from connectors.csvimport.dialect import DELIMITER_NAMES
from connectors.csvimport.layout import Layout
from connectors.csvimport.mappings import load_mapping
from connectors.csvimport.pages import PagePlan, PreparedPage, prepare_page
from connectors.csvimport.quality import count_checks
from connectors.csvimport.repeats import RepeatFinder
from connectors.csvimport.report import ImportReport, RowProblem
from connectors.csvimport.rows import PreparedRow
from connectors.csvimport.source import DEFAULT_SOURCE, ensure_source
from core.ahead import computed_ahead
from core.db import Database
from core.identity import IdentityOptions, ingest_featured
from core.identity.common_keys import refresh_after_growth

Progress = Callable[[int, int], None]
NEW_RECORD_ACTIONS = ("created", "linked", "review")  # "updated" rows replaced stored ones


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
    prepare_workers: int = 0,
) -> ImportReport:
    """Import every readable row; raises InvalidMapping or CsvFileError before any row.

    ``report``, when given, is filled as the import goes, so a caller's progress
    callback can publish the counts so far. Each page of ``page_size`` rows is
    resolved and committed before the next one is written. With ``prepare_workers`` ≥ 1 the
    next pages are mapped and normalized in that many child processes while the
    current one is written (a second core's worth of speed; see ``core.ahead``).
    """
    mapping, loose = load_mapping(mapping_doc)
    connector = CsvImportConnector({"path": str(path), "page_size": page_size})
    layout = connector.layout()
    columns = match_columns(layout.header, mapping, loose=loose)
    report = _describe(report if report is not None else ImportReport(), source, layout, columns)
    total = connector.count_rows()
    plan = PagePlan(mapping, columns.rename, options or IdentityOptions())
    connector_id = ensure_source(database, source)
    finder = RepeatFinder()
    if progress is not None:
        progress(0, total)
    workers = prepare_workers if total > page_size else 0  # one page: nothing to overlap
    pages = computed_ahead(_prepare_page, plan, read_pages(connector, "rows"), workers)
    for page, prepared in pages:
        prepared.remember()
        count_checks(report.quality, prepared.checks)
        for result in ingest_featured(database, connector_id, prepared.chunks, plan.options):
            report.count(result.action, result.explanation)
        skipped = [RowProblem(item.position or 0, item.reason, True) for item in page.skipped]
        _record(report, skipped + prepared.problems, prepared.ready)
        for repeat in finder.repeats(prepared.ready):
            report.repeated(repeat)
        report.rows += len(page.items) + len(page.skipped)
        if progress is not None:
            progress(report.rows, max(total, report.rows))
    refresh_after_growth(database, sum(report.actions.get(a, 0) for a in NEW_RECORD_ACTIONS))
    return report


def _prepare_page(plan: PagePlan, page: Page) -> PreparedPage:
    return prepare_page(plan, page.items)


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


def _record(report: ImportReport, problems: list[RowProblem], ready: list[PreparedRow]) -> None:
    """Add a page's problems in line order: refused rows and rows with values left out."""
    problems += [RowProblem(row.line, "; ".join(row.notes), False) for row in ready if row.notes]
    for problem in sorted(problems, key=lambda item: item.line):
        if problem.bad:
            report.bad(problem.line, problem.reason)
        else:
            report.flagged(problem.line, (problem.reason,))
