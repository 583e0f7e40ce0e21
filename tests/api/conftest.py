"""The ``api`` fixture: an API v1 client that checks every response against docs/openapi.yaml.

Each request runs in its own application context, so it gets its own database session as in production:
its commit is the only thing that makes its writes stick, and a failed request's writes are discarded with
the session. The test's own session shares the connection, so it sees whatever a request committed (re-read
objects it already holds with ``db.session.refresh`` or ``expire_all``).
"""

import contextvars
from pathlib import Path

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder

from helpdesk.api.services import create_api_token
from tests.factories import SYSTEM

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
PREFIX = "/api/v1"


@pytest.fixture(scope="session")
def openapi():
    return OpenAPI.from_file_path(str(SPEC_PATH))


class ApiClient:
    """``api.get("/cases")``, ``api.post("/cases", json={...})``; ``api.as_token(t)`` for another token."""

    def __init__(self, client, openapi: OpenAPI, token: str | None):
        self.client, self.openapi, self.token = client, openapi, token

    def as_token(self, token: str | None) -> "ApiClient":
        return ApiClient(self.client, self.openapi, token)

    def request(self, method: str, path: str, *, headers: dict | None = None, **kwargs):
        credentials = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers = credentials | (headers or {})
        sent = {"path": PREFIX + path, "method": method, "headers": headers, **kwargs}
        # buffered: a streamed body (an export) is read within the request's own context
        response = contextvars.Context().run(self.client.open, **sent, buffered=True)
        # The served request's body has been read; an identical one describes the request to the validator. A
        # percent-encoded "/" inside a path parameter stays encoded for it: it matches templates by segment.
        described = {**sent, "path": sent["path"].replace("%2F", "%252F")}
        self.check(EnvironBuilder(**described).get_request(), response)
        return response

    def check(self, request, response) -> None:
        """Raise if ``response`` (status, headers, body) is not what docs/openapi.yaml promises for ``request``."""
        self.openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.request("PATCH", path, **kwargs)


@pytest.fixture
def issue_token(app):
    """``issue_token()`` for an unscoped token, ``issue_token(program)`` for one limited to that program."""

    def issue(program=None, name: str = "loyalty-platform") -> str:
        return create_api_token(name, program, actor=SYSTEM)[1]

    return issue


@pytest.fixture
def api(client, openapi, issue_token):
    """A client holding an unscoped token (it sees every program)."""
    return ApiClient(client, openapi, issue_token())
