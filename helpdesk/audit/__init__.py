"""The audit log: who viewed or changed what, signed in or out, imported or exported (models.py), written by
:func:`helpdesk.audit.services.record` in the unit of work of the change; read on the audit pages (views.py)
and through ``GET /api/v1/audit-events`` (helpdesk.api.audit)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.audit import views

    app.register_blueprint(views.bp)
