"""Every response carries the security headers (helpdesk.security); pages run no inline script, so the
Content-Security-Policy can forbid it; behind trusted proxies the real scheme counts."""

import re

import pytest
from flask import Flask
from twilio.request_validator import RequestValidator

from helpdesk.security import behind_proxies
from tests.conftest import build_app, login
from tests.telephony.conftest import sid, signed_post

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def get_routes_without_arguments(app: Flask) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments)


def assert_security_headers(response, path):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (path, name)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'", path
    assert "unsafe-inline" not in policy["default-src"] and policy["object-src"] == "'none'", path
    assert "camera=()" in response.headers["Permissions-Policy"], path
    assert "Strict-Transport-Security" not in response.headers, path  # plain HTTP
    assert "Server" not in response.headers, path  # the app adds no server banner of its own


@pytest.mark.parametrize("role", [None, "agent", "admin"])
def test_every_page_carries_the_security_headers(app, client, make, program, role):
    if role:
        login(client, make.user(role, programs=[program]))
    for path in get_routes_without_arguments(app):
        assert_security_headers(client.get(path), path)
    assert_security_headers(client.get("/no-such-page"), "/no-such-page")
    assert_security_headers(client.get("/static/js/helpdesk.js"), "/static/js/helpdesk.js")


def test_pages_have_no_inline_script_or_event_handler(app, client, make, program):
    login(client, make.user("admin", programs=[program]))
    for path in get_routes_without_arguments(app):
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", page, re.IGNORECASE):
            assert re.search(r"\ssrc=\"/", tag), (path, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page, re.IGNORECASE), path
        assert "javascript:" not in page.lower(), path


def test_the_scripts_pages_load_are_served_by_the_app(client, agent_client):
    page = agent_client.get("/calls/live").get_data(as_text=True)
    sources = re.findall(r'<script\b[^>]*\ssrc="([^"]+)"', page)
    assert "/static/js/helpdesk.js" in sources and any(s.startswith("/bootstrap/static/") for s in sources)
    for source in sources:
        response = client.get(source)
        assert response.status_code == 200 and response.mimetype in ("text/javascript", "application/javascript")
    assert "/static/js/live.js" in sources and 'data-live-panel="/calls/live/panel"' in page


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"].startswith(
        "max-age=31536000")


def test_forwarded_headers_are_ignored_without_trusted_proxies(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers and "Secure" not in response.headers["Set-Cookie"]


def test_behind_a_trusted_proxy_https_requests_get_hsts_and_secure_cookies(app):
    """TRUSTED_PROXIES=1: the proxy's X-Forwarded-Proto tells the scheme (the session cookie holds the CSRF
    token, so the sign-in page sets it)."""
    behind = build_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1)
    response = behind.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    plain = behind.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers and "Secure" not in plain.headers["Set-Cookie"]


def test_twilio_signatures_validate_behind_a_trusted_proxy(app, client, make, monkeypatch):
    """Twilio signs the public https URL; the app behind a TLS proxy sees http://internal-host."""
    hotline = make.program()
    monkeypatch.setattr(app, "wsgi_app", behind_proxies(app.wsgi_app, 1))
    params = {"CallSid": sid("CA"), "From": "+48601234567", "To": hotline.hotline_number, "CallStatus": "ringing"}
    public = "https://hotline.example"
    signature = RequestValidator("test-auth-token").compute_signature(public + "/twilio/voice/incoming", params)
    response = client.post("/twilio/voice/incoming", data=params, base_url="http://internal:8000",
                           headers={"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https",
                                    "X-Forwarded-Host": "hotline.example", "X-Forwarded-Port": "443"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert signed_post(client, "/twilio/voice/incoming", {**params, "CallSid": sid("CA")}).status_code == 200
