"""The program manager's satisfaction dashboard. Pages in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.reports import views

    app.register_blueprint(views.bp)
