"""The program manager's satisfaction dashboard and the weekly report e-mail. Pages in views.py, the e-mail in
mailing.py (sent by helpdesk.jobs), ``flask reports`` in cli.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.reports import views
    from helpdesk.reports.cli import reports_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(reports_cli)
