"""The hotline on Twilio. Two blueprints: staff pages (live calls, call log, simulator; views.py) and Twilio's
webhooks (webhooks.py).

Nothing outside this package imports ``twilio``; the rest of the app calls ``send_sms`` from ``outbox``.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.extensions import csrf
    from helpdesk.panels import register_panel
    from helpdesk.signals import cases_merged
    from helpdesk.telephony import views, webhooks
    from helpdesk.telephony.calls import call_state, call_state_label, seconds_in_call_bar
    from helpdesk.telephony.cli import sms_cli
    from helpdesk.telephony.conversation import message_status, move_to_merged_case

    app.register_blueprint(views.bp)
    app.register_blueprint(webhooks.bp)
    csrf.exempt(webhooks.bp)  # signed by Twilio instead
    register_panel(app, "case_main", "telephony/_sms_panel.html", views.sms_panel, order=30)
    app.add_template_global(message_status)  # the timeline's "text to the participant" entries show its status
    cases_merged.connect(move_to_merged_case)
    app.add_template_global(call_state)  # the live calls and the call bar
    app.add_template_global(call_state_label)
    app.add_template_global(seconds_in_call_bar)
    app.cli.add_command(sms_cli)
