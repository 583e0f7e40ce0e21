"""Error pages never show a stack trace, a file path or the exception's text, on pages or in the API."""

import pytest

from helpdesk.cases import views as case_views

SECRET = "SELECT password_hash FROM users -- internal detail"


@pytest.fixture
def failing(app, monkeypatch):
    """Unhandled exceptions answered as in production (tests otherwise let them propagate)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def explode(*args, **kwargs):
        raise RuntimeError(SECRET)

    return explode


def assert_no_trace(body: str) -> None:
    for leak in (SECRET, "Traceback", "RuntimeError", "File \"", ".py", "site-packages"):
        assert leak not in body


def test_a_page_that_fails_shows_a_plain_500(admin_client, failing, monkeypatch):
    monkeypatch.setattr(case_views, "search", failing)
    response = admin_client.get("/search?q=anna")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert_no_trace(response.get_data(as_text=True))


def test_an_api_request_that_fails_answers_a_plain_json_500(api, failing, monkeypatch):
    monkeypatch.setattr("helpdesk.api.views.visible_programs", failing)
    response = api.client.get("/api/v1/programs", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_server_error"
    assert_no_trace(response.get_data(as_text=True))


def test_a_not_found_page_names_nothing_internal(admin_client):
    response = admin_client.get("/cases/2147483647")
    assert response.status_code == 404
    assert_no_trace(response.get_data(as_text=True))
