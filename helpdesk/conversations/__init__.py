"""Conversations with participants beyond the case page: each program's rules for threading texts onto cases,
and the texts the system sends on its own (acknowledgements, delivery notices). The threading itself is the
telephony package's (:mod:`helpdesk.telephony.threads`); ``init_app`` connects the notices to the signals."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.conversations import views
    from helpdesk.conversations.notices import acknowledge, notify_reshipment, notify_status_changes
    from helpdesk.signals import delivery_reshipped, order_status_changed, text_opened_case

    app.register_blueprint(views.bp)
    text_opened_case.connect(acknowledge)
    order_status_changed.connect(notify_status_changes)
    delivery_reshipped.connect(notify_reshipment)
