"""URL pieces shared by the API's routes."""

from __future__ import annotations

# Ids are 32-bit in the database: a larger number is "not found" in the URL router,
# never a database error.
ID = "int(min=1, max=2147483647)"


def id_param(name: str) -> str:
    return f"<{ID}:{name}>"
