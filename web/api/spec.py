"""flask-smorest's Api, adapted: problem+json errors and a bearer security scheme.

The stock Api installs an app-wide JSON error handler, which would turn the HTML pages'
404s into JSON; ``web.errors`` handles errors for both instead.
"""

from __future__ import annotations

import http

from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from flask_smorest.utils import prepare_response

from web.api.schemas import ProblemSchema
from web.problems import PROBLEM_MIMETYPE

BEARER_SCHEME = "bearerAuth"


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Errors are handled by ``web.errors`` for pages and API alike."""

    def _register_responses(self) -> None:
        """Document every error response as application/problem+json."""
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)

    def _register_pagination_header(self) -> None:
        """X-Pagination holds JSON text: documented as content, so clients parse it first."""
        header = {
            "description": "Pagination metadata, as JSON text",
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }
        self.spec.components.header("PAGINATION", header, lazy=True)

    def declare_bearer_scheme(self) -> None:
        self.spec.components.security_scheme(
            BEARER_SCHEME,
            {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token (crm_...) created by an administrator.",
            },
        )
