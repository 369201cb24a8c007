"""One page of rows made ready to resolve: mapped, checked, featured.

Everything here is pure computation on the page's own rows (no database), so the
importer can run it in a second process for the next page while the current one is
resolved and written (``core.ahead``). What comes back is picklable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from connectors.base import SourceItem
from connectors.csvimport.quality import Check
from connectors.csvimport.report import RowProblem
from connectors.csvimport.rows import PreparedRow, RefusedRow, prepare_row
from core.identity import CHUNK_SIZE, IdentityOptions, prepare_items
from core.identity.pending import Pending
from core.records import normal
from mapping import CompiledMapping


@dataclass(frozen=True)
class PagePlan:
    """What every page is prepared with; reaches a child process by fork, not pickle."""

    mapping: CompiledMapping
    rename: dict[str, str]
    options: IdentityOptions
    chunk_size: int = CHUNK_SIZE  # records resolved and committed together


@dataclass
class PreparedPage:
    """A page's rows, mapped and featured, with what it took to get them."""

    ready: list[PreparedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)  # refused rows
    checks: list[Check] = field(default_factory=list)  # of every row, for the quality report
    chunks: list[list[Pending]] = field(default_factory=list)  # ready rows, featured
    learned: normal.Learned = field(default_factory=dict)  # names, numbers parsed meanwhile

    def remember(self) -> None:
        """Warm this process's normalizer caches with what preparing the page parsed."""
        normal.remember(self.learned)


def prepare_page(plan: PagePlan, items: Iterable[SourceItem]) -> PreparedPage:
    """Map and check each row, then compute the features of those that import.

    What was parsed on the way comes back too: survivorship in the writing process
    reads the same values again (``PreparedPage.remember``).
    """
    page = PreparedPage()
    with normal.recording() as learned:
        _prepare_rows(plan, items, page)
    page.learned = learned
    return page


def _prepare_rows(plan: PagePlan, items: Iterable[SourceItem], page: PreparedPage) -> None:
    for item in items:
        try:
            row = prepare_row(item, plan.mapping, plan.rename, plan.options.default_region)
        except RefusedRow as refused:
            page.problems.append(RowProblem(item.position or 0, str(refused), True))
            page.checks.extend(refused.checks)
        else:
            page.ready.append(row)
            page.checks.extend(row.checks)
    rows = iter(page.ready)
    while chunk := list(islice(rows, max(plan.chunk_size, 1))):
        page.chunks.append(prepare_items(map(_item, chunk), plan.options))


def _item(row: PreparedRow) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return row.external_id, row.raw, row.mapped
