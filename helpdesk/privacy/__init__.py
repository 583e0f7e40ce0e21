"""Participants' privacy: their data export and erasure (a manager on the participant page, or the API), the
retention purge (the worker daily, ``flask privacy purge``), and recordings deleted at Twilio. See
docs/privacy.md."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.panels import register_panel
    from helpdesk.privacy import panels, views
    from helpdesk.privacy.cli import privacy_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(privacy_cli)
    register_panel(app, "participant_page", "privacy/panel_participant_page.html", panels.participant_privacy,
                   order=1)
