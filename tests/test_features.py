"""Features plug in through their init_app: blueprints, panels, merge fields and signal receivers, per app."""

from helpdesk import create_app
from helpdesk.signals import (
    case_status_changed,
    cases_merged,
    delivery_reshipped,
    order_status_changed,
    participant_opted_out,
    resolution_requested,
    survey_scheduling,
    text_opened_case,
    text_received,
)

SIGNALS = (case_status_changed, resolution_requested, text_received, participant_opted_out, text_opened_case,
           cases_merged, order_status_changed, delivery_reshipped, survey_scheduling)


def second_app():
    return create_app({"SECRET_KEY": "second", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def panels_of(app) -> dict[str, list[str]]:
    return {slot: [panel.template for panel in panels] for slot, panels in app.extensions["panels"].items()}


def test_a_second_app_connects_no_receiver_twice_and_registers_its_own_panels_and_merge_fields(app):
    receivers = [len(signal.receivers) for signal in SIGNALS]
    panels = panels_of(app)
    other = second_app()
    assert [len(signal.receivers) for signal in SIGNALS] == receivers
    assert panels_of(app) == panels and panels_of(other) == panels
    assert list(other.extensions["merge_namespaces"]) == list(app.extensions["merge_namespaces"]) == [
        "participant", "case", "program", "agent", "order", "code"]


def test_the_case_page_panels_come_in_their_declared_order(app):
    assert panels_of(app)["case_main"] == [  # the conversation column: the reply box, its canned replies below
        "telephony/_sms_panel.html", "conversations/_canned_picker.html"]
    assert panels_of(app)["case_side"] == ["scripts/_runner.html", "rewards/panel_case.html", "codes/panel_case.html",
                                           "surveys/_case_panel.html"]
