"""Loyalty programs: hotline numbers, business hours, SLAs. Pages in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.programs import views

    app.register_blueprint(views.bp)
