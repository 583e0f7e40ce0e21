"""Reward orders from the loyalty platform and the delivery cases opened about them. Pages in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.cases.search import register_reference
    from helpdesk.panels import register_panel
    from helpdesk.rewards import panels, views
    from helpdesk.rewards.delivery import move_orders_to_merged_case, require_resolution
    from helpdesk.rewards.merge_fields import ORDER_FIELDS, order_merge_values
    from helpdesk.rewards.orders import order_reference_url
    from helpdesk.rewards.survey_keys import survey_order_keys
    from helpdesk.rewards.survey_wait import hold_survey, release_surveys
    from helpdesk.scripts.merge_fields import register_merge_namespace
    from helpdesk.signals import (
        cases_merged,
        order_status_changed,
        resolution_requested,
        survey_scheduling,
        survey_sending,
    )

    app.register_blueprint(views.bp)
    register_panel(app, "participant_panel", "rewards/panel_participant.html", panels.participant_orders, order=20)
    register_panel(app, "participant_page", "rewards/panel_participant_page.html", panels.participant_page_orders,
                   order=20)
    register_panel(app, "case_side", "rewards/panel_case.html", panels.case_delivery, order=20)
    register_reference(app, order_reference_url)
    register_panel(app, "call_pop", "rewards/panel_call_pop.html", panels.late_orders, order=20)
    register_merge_namespace(app, "order", fields=ORDER_FIELDS, resolve=order_merge_values)
    resolution_requested.connect(require_resolution)
    cases_merged.connect(move_orders_to_merged_case)
    survey_scheduling.connect(hold_survey)
    survey_sending.connect(survey_order_keys)
    order_status_changed.connect(release_surveys)
