"""Behind Debian's nginx with the shipped site (``deploy/nginx/helpdesk.conf``) and gunicorn with
``deploy/gunicorn.conf.py``: sign-in over TLS with Secure cookies, Twilio's signatures checked against
PUBLIC_BASE_URL, logs without query strings, metrics across gunicorn's processes for the token only."""

import json
import re
import time

from twilio.request_validator import RequestValidator

from tests.conftest import PASSWORD
from tests.deploy.conftest import METRICS_TOKEN, TWILIO_TOKEN


def sign_in(stack):
    browser = stack.browser()
    page = browser.get(stack.base + "/login", timeout=10)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    response = browser.post(stack.base + "/login", allow_redirects=False, timeout=10,  # a browser's Referer:
                            headers={"Referer": stack.base + "/login"},  # Flask-WTF checks it over HTTPS
                            data={"email": stack.admin_email, "password": PASSWORD, "csrf_token": token})
    return browser, response


def test_a_sign_in_through_nginx_gets_secure_cookies_and_hsts(stack):
    browser, response = sign_in(stack)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases")
    session_cookie = next(cookie for cookie in browser.cookies if cookie.name == "session")
    assert session_cookie.secure and "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])  # nginx's $request_id, kept
    assert browser.get(stack.base + "/cases", timeout=10).status_code == 200


def test_a_twilio_webhook_signed_for_the_public_url_passes_the_proxy_and_a_forged_one_does_not(stack):
    params = {"CallSid": "CA" + "1" * 32, "From": "+48601234567", "To": "+48220000000"}
    url = stack.base + "/twilio/voice/incoming"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    signed = stack.browser().post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
    assert signed.status_code == 200 and signed.headers["Content-Type"].startswith("text/xml")
    forged = stack.browser().post(url, data=params, headers={"X-Twilio-Signature": "forged"}, timeout=10)
    assert forged.status_code == 403


def test_nginx_and_gunicorn_log_searches_without_their_query_strings(stack):
    browser, _ = sign_in(stack)
    for query in ("+48 601 234 567", "anna.kowalska@example.com"):
        assert browser.get(stack.base + "/search", params={"q": query}, timeout=10).status_code == 200

    def logged_searches():
        nginx = [line for line in stack.nginx_log.read_text().splitlines() if "GET /search " in line]
        gunicorn = [json.loads(line)["message"] for line in stack.gunicorn_log.read_text().splitlines()
                    if line.startswith("{") and "/search" in line]
        return len(nginx), len(gunicorn)

    deadline = time.monotonic() + 5  # each server writes its line once the answer is sent
    while logged_searches() != (2, 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert logged_searches() == (2, 4)  # gunicorn: its access line and the app's line, for each search
    logged = stack.nginx_log.read_text() + stack.gunicorn_log.read_text()
    for secret in ("q=", "601 234", "601234567", "%2B48", "kowalska", "%40example"):
        assert secret not in logged


def test_metrics_behind_the_proxy_need_the_token_and_add_up_gunicorns_processes(stack):
    for _ in range(6):
        stack.browser().get(stack.base + "/login", timeout=10)
    assert stack.browser().get(stack.base + "/metrics", timeout=10).status_code == 401
    metrics = stack.browser().get(stack.base + "/metrics", timeout=10,
                                  headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert metrics.status_code == 200
    count = re.search(r'helpdesk_request_duration_seconds_count\{endpoint="auth.login",method="GET"\} (\S+)',
                      metrics.text)
    assert count and float(count[1]) >= 6
    assert "helpdesk_outbox_oldest_due_age_seconds" in metrics.text


def test_a_live_update_passes_through_nginx_unbuffered(stack):
    """The page's event stream comes through the proxy as it is written: its first bytes at once, and an event
    from a webhook within a second, not when nginx's buffer fills or the stream ends."""
    browser, _ = sign_in(stack)
    started = time.monotonic()
    with browser.get(stack.base + "/live/events", stream=True, timeout=10) as stream:
        assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.iter_lines(decode_unicode=True)
        assert next(lines).startswith("retry:") and time.monotonic() - started < 2
        call = {"CallSid": "CA" + "5" * 32, "From": "+48601234567", "To": stack.hotline, "CallStatus": "ringing"}
        url = stack.base + "/twilio/voice/incoming"
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, call)
        rang = time.monotonic()
        assert stack.browser().post(url, data=call, headers={"X-Twilio-Signature": signature},
                                    timeout=10).status_code == 200
        for line in lines:
            if line == "event: call":
                break
        assert time.monotonic() - rang < 1
