"""Probes and the System page: ``/healthz`` (the process answers), ``/readyz`` (it can do its work), ``/metrics``
(Prometheus, for a bearer METRICS_TOKEN or METRICS_ALLOWED_ADDRESSES only), ``/admin/system`` (admins)."""

import hmac
from ipaddress import ip_address

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from helpdesk.auth.access import admin_required
from helpdesk.operations.health import readiness
from helpdesk.operations.metrics import exposition
from helpdesk.operations.system import system_state
from helpdesk.web import json_error

bp = Blueprint("operations", __name__)
PROBES = ("operations.healthz", "operations.readyz", "operations.metrics")  # public: they check their callers
NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok"), 200, NO_STORE


@bp.route("/readyz")
def readyz():
    checks = readiness()
    ready = all(check.ok for check in checks)
    body = {"status": "ready" if ready else "not ready",
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks}}
    return jsonify(body), 200 if ready else 503, NO_STORE


@bp.route("/metrics")
def metrics():
    if not _may_read_metrics():
        response, status = json_error(401, "unauthorized", "send Authorization: Bearer <METRICS_TOKEN>, or scrape "
                                      "from an address in METRICS_ALLOWED_ADDRESSES")
        response.headers["WWW-Authenticate"] = 'Bearer realm="helpdesk-metrics"'
        return response, status
    return Response(exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8", headers=NO_STORE)


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    address = ip_address(request.remote_addr or "0.0.0.0")
    return any(address in network for network in current_app.extensions["metrics_networks"])


@bp.route("/admin/system")
@admin_required
def system():
    return render_template("operations/system.html", state=system_state())
