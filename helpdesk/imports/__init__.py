"""Participants, reward orders and codes loaded from the programs' own files (CSV or XLSX): upload, preview,
confirm in views.py; ``flask participants|orders|codes import`` in cli.py; the engine in engine.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.imports import views
    from helpdesk.imports.cli import command_groups

    app.register_blueprint(views.bp)
    for group in command_groups():
        app.cli.add_command(group)
