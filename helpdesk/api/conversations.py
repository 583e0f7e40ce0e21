"""API v1 conversation endpoints: a case's timeline, replies to the participant by SMS, merging cases.

A reply is recorded in the outbox and committed before Twilio is asked (as from the case page), then sent at
once; the answer carries each message's status after that attempt (the worker retries what is left).
"""

from flask import current_app
from sqlalchemy import select

from helpdesk.api.auth import current_actor, token_blueprint
from helpdesk.api.parsing import json_body, query_cursor, query_limit
from helpdesk.api.serializers import case_json, timestamp
from helpdesk.cases.merging import merge_cases
from helpdesk.cases.models import Case, CaseEvent, EventKind
from helpdesk.cases.services import get_case, timeline_page
from helpdesk.database import lock_row, unit_of_work
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.jobs.outbox import deliver_now
from helpdesk.telephony.conversation import send_reply
from helpdesk.telephony.models import Message, TelephonyEvent
from helpdesk.telephony.segments import count_segments
from helpdesk.validation import MAX_ID

bp = token_blueprint("api_conversations", __name__)

MESSAGE_KINDS = (TelephonyEvent.SMS_IN.value, TelephonyEvent.SMS_OUT.value)
WITH_BODY = (EventKind.NOTE.value, *MESSAGE_KINDS)


def message_json(message: Message) -> dict:
    return {
        "id": message.id,
        "case_id": message.case_id,
        "direction": message.direction,
        "body": message.body,
        "segments": count_segments(message.body).segments,
        "status": message.status,
        "error": message.failure_for_agents,
        "created_at": timestamp(message.created_at),
    }


def event_json(event: CaseEvent, messages: dict[int, Message]) -> dict:
    message = messages.get(event.data.get("message_id")) if event.kind in MESSAGE_KINDS else None
    return {
        "id": event.id,
        "kind": event.kind,
        "time": timestamp(event.created_at),
        "actor_name": event.author_name,
        "body": event.body if event.kind in WITH_BODY else None,
        "direction": message.direction if message else None,
        "status": message.status if message else None,
    }


@bp.get("/cases/<int:case_id>/timeline")
def timeline_index(case_id):
    case = get_case(case_id, actor=current_actor())
    limit = query_limit(current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"])
    page = timeline_page(case, cursor=query_cursor([int]), limit=limit)
    ids = [event.data.get("message_id") for event in page.items if event.kind in MESSAGE_KINDS]
    messages = {m.id: m for m in db.session.scalars(select(Message).where(Message.id.in_([i for i in ids if i])))}
    return {"items": [event_json(event, messages) for event in page.items], "next": page.next_cursor}


@bp.post("/cases/<int:case_id>/messages")
def messages_create(case_id):
    get_case(case_id, actor=current_actor())
    body = json_body({"body": str})
    with unit_of_work():
        ids = [m.id for m in send_reply(lock_row(Case, Case.id == case_id), body.get("body"), actor=current_actor())]
    for message_id in ids:
        deliver_now(message_id)
    sent = db.session.scalars(select(Message).where(Message.id.in_(ids)).order_by(Message.id)
                              .execution_options(populate_existing=True)).all()
    return {"case_id": case_id, "messages": [message_json(m) for m in sent]}, 201


@bp.post("/cases/<int:case_id>/merge")
def cases_merge(case_id):
    get_case(case_id, actor=current_actor())
    body = json_body({"into": int})
    into = body.get("into")
    if into is None or not 1 <= into <= MAX_ID:
        raise ValidationError("into", "must be the id of the case to merge into")
    with unit_of_work():
        target = merge_cases(case_id, into, actor=current_actor())
        payload = case_json(target)
    return payload
