"""Conversations with participants beyond the case page: each program's rules for threading texts onto cases,
the texts the system sends on its own (acknowledgements, delivery notices), and the canned replies agents insert
into theirs (canned.py; a picker beside the case page's reply box). The threading itself is the telephony
package's (:mod:`helpdesk.telephony.threads`); ``init_app`` connects the notices to the signals."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.conversations import views
    from helpdesk.conversations.notices import acknowledge, notify_reshipment, notify_status_changes
    from helpdesk.panels import register_panel
    from helpdesk.scripts.merge_fields import show_merge_fields
    from helpdesk.signals import delivery_reshipped, order_status_changed, text_opened_case

    app.register_blueprint(views.bp)
    # just below the reply box (telephony's, order 30)
    register_panel(app, "case_main", "conversations/_canned_picker.html", views.canned_panel, order=31)
    app.add_template_filter(show_merge_fields)  # the canned replies as written
    text_opened_case.connect(acknowledge)
    order_status_changed.connect(notify_status_changes)
    delivery_reshipped.connect(notify_reshipment)
