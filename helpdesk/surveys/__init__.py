"""Satisfaction by SMS after every resolved case: scheduling, dispatch through the SMS outbox, replies.

Pages in views.py. ``init_app`` connects the receivers of hooks.py and answers.py to the signals they hear
(case status changes, inbound texts, opt-outs).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.panels import register_panel
    from helpdesk.signals import case_status_changed, participant_opted_out, text_received
    from helpdesk.surveys import views
    from helpdesk.surveys.answers import take_reply
    from helpdesk.surveys.cli import surveys_cli
    from helpdesk.surveys.hooks import on_case_status, on_opt_out

    app.register_blueprint(views.bp)
    register_panel(app, "case_side", "surveys/_case_panel.html", views.case_panel, order=60)
    case_status_changed.connect(on_case_status)
    text_received.connect(take_reply)
    participant_opted_out.connect(on_opt_out)
    app.cli.add_command(surveys_cli)
