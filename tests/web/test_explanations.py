"""Link explanations in words: every comparison level the scorer writes has a label."""

from __future__ import annotations

from web.explanations import weights


def test_neutral_levels_say_they_are_no_evidence() -> None:
    rows = weights(
        {
            "email": {"level": "personal_and_work", "weight": 0.0},
            "phone": {"level": "shared", "weight": 0.0},
            "given_name": {"level": "nickname", "weight": 6.5},
        }
    )

    labels = {row.name: row.level_label for row in rows}
    assert labels == {
        "email": "work vs personal address (no evidence)",
        "phone": "shared by differently named people (no evidence)",
        "given_name": "nickname",
    }
    assert rows[0].name == "given_name"  # strongest evidence first
