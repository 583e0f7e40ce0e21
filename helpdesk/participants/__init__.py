"""Participants of the loyalty programs: search and the participant's page. Pages in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.participants import views

    app.register_blueprint(views.bp)
