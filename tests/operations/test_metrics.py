"""/metrics: Prometheus's text format, for a bearer METRICS_TOKEN or METRICS_ALLOWED_ADDRESSES only."""

from ipaddress import ip_network

import pytest
from prometheus_client.parser import text_string_to_metric_families

from helpdesk.config import ConfigurationError
from tests.conftest import build_app
from tests.telephony.conftest import sid, signed_post

TOKEN = "metrics-secret-token"
NAMES = {"helpdesk_request_duration_seconds", "helpdesk_webhooks", "helpdesk_texts", "helpdesk_surveys",
         "helpdesk_live_connections", "helpdesk_outbox_messages", "helpdesk_outbox_oldest_due_age_seconds",
         "helpdesk_worker_heartbeat_age_seconds"}


@pytest.fixture
def token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return {"Authorization": f"Bearer {TOKEN}"}


def scrape(client, headers) -> dict:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}


def sample(families, name, **labels) -> float:
    family = families[name.removesuffix("_total").removesuffix("_count").removesuffix("_sum")]
    return next(s.value for s in family.samples if s.name == name and all(s.labels.get(k) == v
                                                                             for k, v in labels.items()))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
def test_metrics_without_the_token_answer_401_naming_the_setting(client, token, headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "METRICS_TOKEN" in response.json["error"]["message"]


def test_without_a_configured_token_nobody_reads_metrics(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_a_configured_address_reads_metrics_without_a_token(app, client, monkeypatch):
    monkeypatch.setitem(app.extensions, "metrics_networks", [ip_network("127.0.0.0/8")])
    assert client.get("/metrics").status_code == 200
    monkeypatch.setitem(app.extensions, "metrics_networks", [ip_network("10.0.0.0/8")])
    assert client.get("/metrics").status_code == 401


def test_the_metrics_are_exposed_by_name(client, token, live_worker):
    client.get("/healthz")
    families = scrape(client, token)
    assert NAMES - set(families) == set()
    assert sample(families, "helpdesk_request_duration_seconds_count", endpoint="operations.healthz") >= 1
    assert sample(families, "helpdesk_outbox_messages", state="due") == 0
    assert 0 <= sample(families, "helpdesk_worker_heartbeat_age_seconds") < 60


def test_webhooks_are_counted_by_outcome(client, token, make):
    program = make.program()
    before = scrape(client, token)
    params = {"MessageSid": sid("SM"), "From": "+48601234567", "To": program.hotline_number, "Body": "Hello"}
    assert signed_post(client, "/twilio/sms/incoming", params).status_code == 200
    assert signed_post(client, "/twilio/sms/incoming", params, signature="forged").status_code == 403
    after = scrape(client, token)
    for outcome in ("ok", "bad_signature"):
        labels = {"webhook": "sms_incoming", "outcome": outcome}
        assert sample(after, "helpdesk_webhooks_total", **labels) - _or_zero(before, labels) == 1


def _or_zero(families, labels) -> float:
    try:
        return sample(families, "helpdesk_webhooks_total", **labels)
    except (KeyError, StopIteration):
        return 0


def test_a_wrong_allowed_address_stops_the_app_naming_the_setting(fresh_database):
    with pytest.raises(ConfigurationError, match="^METRICS_ALLOWED_ADDRESSES: .*'10.0.0.300'"):
        build_app(fresh_database("_metrics"), METRICS_ALLOWED_ADDRESSES="127.0.0.1, 10.0.0.300")
