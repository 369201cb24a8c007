"""What an import did: how many rows, what became of them, and which rows had problems.

Problems are kept with their line and reason, the first 1,000 of them (a file of a
million bad rows must not hold a million messages in memory or in a sync run's row);
the counts are always complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 1_000
ACTIONS = ("created", "linked", "updated", "unchanged", "review")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row refused (``bad``) or imported with a value left out."""

    line: int
    reason: str
    bad: bool

    def __str__(self) -> str:
        verdict = "not imported" if self.bad else "imported without"
        return f"line {self.line}: {verdict}: {self.reason}"


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

    @property
    def imported(self) -> int:
        """Rows that reached a customer (created, linked, updated, unchanged or in review)."""
        return sum(self.actions.values())

    def count(self, action: str) -> None:
        self.actions[action] = self.actions.get(action, 0) + 1

    def bad(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        self._keep(RowProblem(line, reason, bad=True))

    def flagged(self, line: int, notes: tuple[str, ...]) -> None:
        self.flagged_rows += 1
        self._keep(RowProblem(line, "; ".join(notes), bad=False))

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
        }
