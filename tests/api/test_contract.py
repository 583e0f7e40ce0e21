"""docs/openapi.yaml is a valid OpenAPI document, matches the routes served, and really is enforced by ``api``."""

import json
import re

import pytest
import yaml
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import DataValidationError, MissingRequiredHeader
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from tests.api.conftest import PREFIX, SPEC_PATH

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _shape(path: str) -> str:
    """A path with its parameters blanked: Flask's ``<int:case_id>`` and OpenAPI's ``{id}`` both become ``{}``."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def _check(api, path: str, status: int, body: dict) -> None:
    request = EnvironBuilder(path=PREFIX + path, method="GET").get_request()
    api.check(request, Response(json.dumps(body), status=status, mimetype="application/json"))


def test_the_document_is_a_valid_openapi_3_1_document(openapi):
    openapi.check_spec()
    assert yaml.safe_load(SPEC_PATH.read_text())["openapi"].startswith("3.1")


def test_every_api_route_is_documented_and_every_documented_operation_is_served(app):
    served = {(_shape(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(PREFIX) for method in rule.methods - {"HEAD", "OPTIONS"}}
    paths = yaml.safe_load(SPEC_PATH.read_text())["paths"]
    documented = {(_shape(PREFIX + path), method) for path, item in paths.items() for method in item
                  if method in HTTP_METHODS}
    assert served == documented


def test_a_served_case_passes_and_the_same_case_missing_a_field_breaks_the_contract(api, make):
    case = api.get(f"/cases/{make.case().id}").get_json()
    _check(api, f"/cases/{case['id']}", 200, case)
    del case["closed_at"]
    with pytest.raises(DataValidationError):
        _check(api, f"/cases/{case['id']}", 200, case)


def test_a_timestamp_that_is_not_utc_breaks_the_contract(api, make):
    case = api.get(f"/cases/{make.case().id}").get_json()
    case["created_at"] = "2024-05-01T12:00:00+02:00"
    with pytest.raises(DataValidationError):
        _check(api, f"/cases/{case['id']}", 200, case)


def test_an_undocumented_status_breaks_the_contract(api):
    with pytest.raises(ResponseNotFound):
        _check(api, "/programs", 418, {"items": []})


def test_a_401_without_a_bearer_challenge_breaks_the_contract(api):
    with pytest.raises(MissingRequiredHeader):
        _check(api, "/programs", 401, {"error": {"code": "missing_token", "message": "send a token"}})
