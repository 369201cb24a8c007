"""Property-based run of every documented operation against the app's own OpenAPI document.

Schemathesis generates requests (valid and invalid) from /api/v1/openapi.json and sends
them to the WSGI app with an admin token; no answer may be a server error, and every
answer must match its documented status, content type, headers and schema. Runs on
SQLite and PostgreSQL with a bounded number of examples per operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import update

from core.db import Database
from core.models import ApiToken, AppSetting
from tests.web.test_api import token_for

EXAMPLES_PER_OPERATION = 25
MESSAGE_LIMIT = 1500
# Far from the small ids generated cases use, so DELETE /tokens/{id} rarely revokes it.
ADMIN_TOKEN_ID = 2_000_000_000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def admin_headers(database: Database) -> dict[str, str]:
    token = token_for(database, "admin", name="schemathesis")
    with database.session() as session:
        session.execute(update(ApiToken).values(id=ADMIN_TOKEN_ID))
        session.add(AppSetting(key="api.rate_limit", value={"requests": 1_000_000}))
    return {"Authorization": f"Bearer {token}"}


def test_no_server_errors_and_answers_match_the_document(
    app: Flask, admin_headers: dict[str, str]
) -> None:
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    tested = 0
    for result in document.get_all_operations():
        operation = result.ok()
        tested += 1
        try:
            exercise(operation, admin_headers)
        except (Exception, BaseExceptionGroup) as exc:  # all operations run, all are reported
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:MESSAGE_LIMIT]
    assert tested >= 25
    assert failures == {}


def exercise(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    """Valid and invalid requests to one operation, each answer checked."""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    @given(case=cases)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
