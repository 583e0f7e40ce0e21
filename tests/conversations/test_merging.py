"""Merging a case into another: everything moves, the merged case is closed with a pointer, the refusals say why,
and a text arriving while two agents merge is never lost."""

import threading

import pytest
from sqlalchemy import select

from helpdesk.cases.merging import case_by_reference, merge_cases
from helpdesk.cases.models import Case, CaseEvent, Status
from helpdesk.cases.services import update_case
from helpdesk.database import unit_of_work
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.rewards.delivery import delivery_of, open_delivery_case
from helpdesk.scripts.models import ScriptRun
from helpdesk.scripts.services.runs import start_run
from helpdesk.telephony.models import Call, Message
from tests import factories
from tests.conftest import build_app, csrf_token, login
from tests.scripts.conftest import DELIVERY, save_script
from tests.telephony.conftest import sid, signed_post


@pytest.fixture
def agent(make, hotline):
    return make.user(programs=[hotline], name="Marta Kowalska")


def test_texts_calls_runs_orders_and_timeline_move_and_the_merged_case_points_to_the_other(make, make_order, hotline,
                                                                                           caller, agent):
    order = make_order(caller)
    source = open_delivery_case(order, issue_type="late", actor=agent)
    target = make.case(hotline, participant=caller, channel="sms")
    db.session.add_all([
        Message(program=hotline, participant=caller, case_id=source.id, direction="inbound", body="Where is it?",
                from_number=caller.phone, to_number=hotline.hotline_number, status="received"),
        Call(call_sid=sid("CA"), program=hotline, participant=caller, case_id=source.id, from_number=caller.phone,
             to_number=hotline.hotline_number)])
    script = save_script(DELIVERY, factories.SYSTEM).script
    run = start_run(source, script, actor=agent)
    merge_cases(source.id, target.id, actor=agent)
    db.session.expire_all()
    assert db.session.scalars(select(Message.case_id)).all() == [target.id]
    assert db.session.scalars(select(Call.case_id)).all() == [target.id]
    assert db.session.get(ScriptRun, run.id).case_id == target.id
    assert [o.order_ref for o in delivery_of(target).orders] == [order.order_ref] and delivery_of(source) is None
    merged = db.session.get(Case, source.id)
    assert (merged.status, merged.merged_into_id) == (Status.CLOSED, target.id)
    target_kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == target.id)).all()
    assert "delivery_opened" in target_kinds and target_kinds[-1] == "merged_from"
    source_events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == source.id)).all()
    assert [e.kind for e in source_events] == ["merged_into", "status"]
    assert source_events[0].data == {"case_id": target.id, "reference": target.reference}


def test_the_case_merged_into_takes_the_participant_it_lacked(make, hotline, caller, agent):
    source, target = make.case(hotline, participant=caller), make.case(hotline, participant=None)
    assert merge_cases(source.id, target.id, actor=agent).participant == caller


@pytest.mark.parametrize(("setup", "reason"), [
    ("itself", "cannot be merged into itself"),
    ("other_program", "belongs to another program"),
    ("closed", "is closed"),
    ("other_participant", "are about different participants"),
    ("merged_already", "was merged into another case already"),
])
def test_a_merge_that_makes_no_sense_is_refused_with_the_reason(make, hotline, caller, agent, setup, reason):
    source = make.case(hotline, participant=caller)
    target = {"itself": lambda: source,
              "other_program": lambda: make.case(make.program()),
              "closed": lambda: update_case(make.case(hotline, participant=caller), actor=agent, status="closed"),
              "other_participant": lambda: make.case(hotline, participant=make.participant(hotline)),
              "merged_already": lambda: make.case(hotline)}[setup]()
    if setup == "merged_already":
        merge_cases(source.id, make.case(hotline, participant=caller).id, actor=factories.SYSTEM)
    with pytest.raises(Conflict, match=reason):
        merge_cases(source.id, target.id, actor=factories.SYSTEM)


def test_a_case_is_named_by_its_reference_or_its_number_in_the_program(make, hotline, agent):
    case = make.case(hotline)
    assert case_by_reference(case.reference.lower(), program=hotline, actor=agent) == case
    assert case_by_reference(f" {case.number} ", program=hotline, actor=agent) == case
    for unknown in ("NOPE-1", "99999", "", "x" * 200, "AURORA-" + "9" * 30):
        with pytest.raises(ValidationError):
            case_by_reference(unknown, program=hotline, actor=agent)


def test_an_agent_merges_from_the_case_page_and_lands_on_the_other_case(client, make, hotline, caller):
    agent = make.user(programs=[hotline])
    source, target = make.case(hotline, participant=caller), make.case(hotline, participant=caller)
    login(client, agent)
    token = csrf_token(client, f"/cases/{source.id}")
    response = client.post(f"/cases/{source.id}/merge", data={"csrf_token": token, "into": target.reference})
    assert response.status_code == 302 and response.location.endswith(f"/cases/{target.id}")
    refused = client.post(f"/cases/{target.id}/merge", data={"csrf_token": token, "into": target.reference})
    assert refused.status_code == 409 and "cannot be merged into itself" in refused.get_data(as_text=True)
    unknown = client.post(f"/cases/{target.id}/merge", data={"csrf_token": token, "into": "NOPE-7"})
    assert unknown.status_code == 422 and "no case NOPE-7" in unknown.get_data(as_text=True)


HOTLINE, CALLER = "+48221110000", "+48601234567"


def test_texts_arriving_while_their_case_is_merged_all_end_up_on_the_case_merged_into(fresh_database):
    app = build_app(fresh_database("_merge_race"))
    with app.app_context():
        program = factories.program(hotline_number=HOTLINE)
        participant = factories.participant(program, phone=CALLER)
        source = factories.case(program, participant=participant, channel="sms")
        target = factories.case(program, participant=participant)
        db.session.add(Message(program=program, participant=participant, case_id=source.id, direction="outbound",
                               body="Which parcel?", from_number=HOTLINE, to_number=CALLER, status="sent"))
        db.session.commit()
        source_id, target_id = source.id, target.id
    start = threading.Barrier(7)

    def send(i):
        client = app.test_client()
        start.wait()
        signed_post(client, "/twilio/sms/incoming", {"MessageSid": sid("SM"), "From": CALLER, "To": HOTLINE,
                                                     "Body": f"text {i}"})

    def merge():
        with app.app_context():
            start.wait()
            with unit_of_work():
                merge_cases(source_id, target_id, actor=factories.SYSTEM)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)] + [threading.Thread(target=merge)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        inbound = db.session.scalars(select(Message.case_id).where(Message.direction == "inbound")).all()
        assert sorted(inbound) == [target_id] * 6
        texts = db.session.scalars(select(CaseEvent.body).where(CaseEvent.kind == "sms_in",
                                                                CaseEvent.case_id == target_id)).all()
        assert sorted(texts) == [f"text {i}" for i in range(6)]
        assert db.session.get(Case, source_id).merged_into_id == target_id
        db.engine.dispose()
