"""What an import did: how many rows, what became of them, and which rows had problems.

Problems are kept with their line and reason, the first 1,000 of them (a file of a
million bad rows must not hold a million messages in memory or in a sync run's row);
the counts are always complete. So are the data-quality counts of the file's emails,
phones and company domains, and the count of external ids the file repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.normalize import QualityReport

MAX_PROBLEMS = 1_000
ACTIONS = ("created", "linked", "updated", "unchanged", "review")
SUPPRESSED = "suppressed"  # appears in ``actions`` only when some row was suppressed


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row refused (``bad``) or imported with a value left out."""

    line: int
    reason: str
    bad: bool

    def __str__(self) -> str:
        verdict = "not imported" if self.bad else "imported without"
        return f"line {self.line}: {verdict}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RepeatedId:
    """A row whose external id an earlier row of the same file already had."""

    line: int
    first_line: int
    external_id: str
    content_id: bool = False  # the id is the row's content hash: the row is a copy

    def __str__(self) -> str:
        if self.content_id:
            return f"line {self.line}: the same row as line {self.first_line}"
        return (
            f"line {self.line}: external id {self.external_id!r} is also on line "
            f"{self.first_line}; the later row's values were kept"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "first_line": self.first_line,
            "external_id": self.external_id,
            "content_id": self.content_id,
            "text": str(self),
        }


@dataclass
class ImportReport:
    source: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    actions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    bad_rows: int = 0
    flagged_rows: int = 0
    warnings: list[str] = field(default_factory=list)  # about the file, e.g. unknown columns
    problems: list[RowProblem] = field(default_factory=list)
    quality: QualityReport = field(default_factory=QualityReport)
    repeated_ids: int = 0
    # customers merged into another because a row carried keys of both (a bridge)
    customers_merged: int = 0
    repeats: list[RepeatedId] = field(default_factory=list)  # the first MAX_PROBLEMS

    @property
    def imported(self) -> int:
        """Rows that reached a customer (created, linked, updated, unchanged or in review)."""
        return sum(count for action, count in self.actions.items() if action != SUPPRESSED)

    @property
    def suppressed(self) -> int:
        """Rows of erased people, left out on purpose (counted under their own action)."""
        return self.actions.get(SUPPRESSED, 0)

    def count(self, action: str, explanation: dict[str, Any] | None = None) -> None:
        """One row's outcome; its explanation lists the customers it merged, if any."""
        self.actions[action] = self.actions.get(action, 0) + 1
        self.customers_merged += len((explanation or {}).get("merged") or ())

    def bad(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        self._keep(RowProblem(line, reason, bad=True))

    def flagged(self, line: int, notes: tuple[str, ...]) -> None:
        self.flagged_rows += 1
        self._keep(RowProblem(line, "; ".join(notes), bad=False))

    def repeated(self, repeat: RepeatedId) -> None:
        self.repeated_ids += 1
        if len(self.repeats) < MAX_PROBLEMS:
            self.repeats.append(repeat)

    def _keep(self, problem: RowProblem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: a sync run's counts, the API, logs."""
        return {
            "source": self.source,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "rows": self.rows,
            "imported": self.imported,
            **self.actions,
            "bad_rows": self.bad_rows,
            "flagged_rows": self.flagged_rows,
            "warnings": list(self.warnings),
            "problems": [
                {"line": item.line, "reason": item.reason, "bad": item.bad}
                for item in self.problems
            ],
            "problems_truncated": self.bad_rows + self.flagged_rows > len(self.problems),
            "quality": self.quality.to_dict(),
            "repeated_ids": self.repeated_ids,
            "customers_merged": self.customers_merged,
            "repeats": [repeat.to_dict() for repeat in self.repeats],
        }
