"""What the load bench checks once the run has drained: nothing lost, nothing doubled.

Inputs: the requests the clients sent (with their answers), the database, and the fake Twilio's log of the
messages it accepted. Each check returns a list of problems, one line each.
"""

from collections import Counter, defaultdict
from datetime import UTC, datetime

from sqlalchemy import func, select

from bench.load_clients import OPT_IN, OPT_OUT, Sent
from helpdesk.cases.models import Case, CaseEvent, Channel
from helpdesk.extensions import db
from helpdesk.surveys.models import Survey, SurveyStatus
from helpdesk.telephony.models import Call, Message

TEXT_EVENTS = {"sms_in", "survey_answered", "survey_unclear", "survey_comment"}
STATUS_RANK = {"sent": 1, "delivered": 2, "undelivered": 2}


def _events_by(key: str, kinds: set[str]) -> dict[int, list[CaseEvent]]:
    found = defaultdict(list)
    for event in db.session.scalars(select(CaseEvent).where(CaseEvent.kind.in_(kinds))):
        if (data := event.data or {}).get(key) is not None:
            found[data[key]].append(event)
    return found


def check_calls(sent: list[Sent]) -> list[str]:
    """Every CallSid answered 2xx stored once; filed onto one case once its menu or end was accepted; one "call"
    event and at most one "call_ended" per call, on that case."""
    accepted, must_file, must_end = set(), set(), set()
    for s in sent:
        if s.kind.startswith("voice") and s.ok:
            accepted.add(s.sid)
            if s.kind in ("voice_menu", "voice_status"):
                must_file.add(s.sid)
            if s.kind == "voice_status":
                must_end.add(s.sid)
    calls = {c.call_sid: c for c in db.session.scalars(select(Call))}
    events = _events_by("call_id", {"call", "call_ended"})
    problems = [f"call {sid}: lost (accepted, not stored)" for sid in sorted(accepted - calls.keys())]
    for sid in sorted(must_file & calls.keys()):
        call = calls[sid]
        kinds = Counter(e.kind for e in events.get(call.id, []))
        if call.case_id is None:
            problems.append(f"call {sid}: not filed onto a case")
        if kinds["call"] != 1:
            problems.append(f"call {sid}: {kinds['call']} 'call' timeline entries")
        if kinds["call_ended"] > 1 or (sid in must_end and kinds["call_ended"] != 1):
            problems.append(f"call {sid}: {kinds['call_ended']} 'call_ended' timeline entries")
        if any(e.case_id != call.case_id for e in events.get(call.id, [])):
            problems.append(f"call {sid}: timeline entries on another case than the call's")
    return problems


def _one_filing(entries) -> bool:
    """One entry, or a survey's answer or comment with the sms_in of the question it also held."""
    kinds = sorted(e.kind for e in entries)
    return len(kinds) == 1 or (len(kinds) == 2 and "sms_in" in kinds and len(set(kinds)) == 2)


def check_texts(sent: list[Sent]) -> list[str]:
    """Every MessageSid answered 2xx stored once and filed: on a case with one timeline entry (sms_in, or a
    survey's answer or comment; a survey entry plus sms_in when the reply also asks something an agent must
    see), or none for an opt-out word, or for an opt-in word from an opted-out participant (from anyone else it
    is an ordinary text)."""
    accepted = {}
    for s in sent:
        if s.kind == "sms_incoming" and s.ok:
            accepted[s.sid] = s
    messages = {m.message_sid: m for m in db.session.scalars(select(Message).where(Message.direction == "inbound"))}
    events = _events_by("message_id", TEXT_EVENTS)
    problems = [f"text {sid}: lost (accepted, not stored)" for sid in sorted(accepted.keys() - messages.keys())]
    for sid in sorted(accepted.keys() & messages.keys()):
        message = messages[sid]
        body = message.body.strip().upper()
        entries = events.get(message.id, [])
        word = body == OPT_OUT or (body == OPT_IN and not entries)
        if message.status == "failed":
            problems.append(f"text {sid}: parked as failed ({message.error_message})")
        elif message.next_attempt_at is not None:
            problems.append(f"text {sid}: not filed yet (attempts {message.attempts}: {message.error_message})")
        elif not word and (message.case_id is None or not _one_filing(entries)):
            problems.append(f"text {sid}: case {message.case_id}, {len(entries)} timeline entries "
                            f"({', '.join(e.kind for e in entries) or 'none'})")
        elif word and entries:
            problems.append(f"text {sid} ({message.body}): {len(entries)} timeline entries, expected none")
        elif entries and entries[0].case_id != message.case_id:
            problems.append(f"text {sid}: its timeline entry is on another case than the text")
    doubled = db.session.execute(
        select(Case.participant_id, Case.program_id, func.count()).where(Case.channel == Channel.SMS, Case.is_open,
                                                                          Case.participant_id.is_not(None))
        .group_by(Case.participant_id, Case.program_id).having(func.count() > 1)).all()
    problems += [f"participant {pid}: {n} open SMS cases" for pid, _, n in doubled]
    return problems


def check_outbound(kept: list[dict]) -> list[str]:
    """Every outbound row sent once: its sid one the fake Twilio accepted, no (To, Body) accepted more often
    than rows carry it, nothing left unsent."""
    rows = db.session.scalars(select(Message).where(Message.direction == "outbound")).all()
    by_sid = Counter(m["sid"] for m in kept)
    accepted = Counter((m["to"], m["body"]) for m in kept)
    carried = Counter((row.to_number, row.body) for row in rows)
    problems = [f"double send: {n} accepted for {carried[key]} outbound row(s) to {key[0]}: {key[1][:60]!r}"
                for key, n in accepted.items() if n > carried[key]]
    for row in rows:
        if row.message_sid is None and row.status != "failed":
            problems.append(f"outbound message {row.id} to {row.to_number}: never sent (status {row.status}, "
                            f"attempts {row.attempts}, {row.error_message})")
        elif row.message_sid is not None and by_sid[row.message_sid] != 1:
            problems.append(f"outbound message {row.id}: sid {row.message_sid} not one the fake Twilio accepted")
    return problems


def outbound_failures() -> Counter:
    """Outbound rows given up on, by error code (21610 is expected under --gateway 21610)."""
    return Counter(db.session.scalars(select(Message.error_code).where(Message.direction == "outbound",
                                                                        Message.status == "failed")))


def check_surveys(sent: list[Sent]) -> list[str]:
    """One survey per case the API resolved; none left scheduled and due, or sending."""
    resolved = {s.data["case_id"] for s in sent if s.kind == "api_resolve" and s.ok}
    per_case = Counter(db.session.scalars(select(Survey.case_id).where(Survey.case_id.in_(resolved))))
    problems = [f"case {case_id}: {per_case[case_id]} surveys after being resolved once"
                for case_id in sorted(resolved) if per_case[case_id] != 1]
    now = datetime.now(UTC)
    for survey in db.session.scalars(select(Survey).where(Survey.status.in_((SurveyStatus.SCHEDULED,
                                                                             SurveyStatus.SENDING)))):
        if survey.status == SurveyStatus.SENDING or survey.due_at <= now:
            problems.append(f"survey {survey.id} of case {survey.case_id}: still {survey.status.value}")
    return problems


def check_delivery_reports(sent: list[Sent]) -> list[str]:
    """A message whose final delivery report was accepted shows that status (reports never move it back)."""
    final = {}
    for s in sent:
        if s.kind == "sms_status" and s.ok and STATUS_RANK[s.data["status"]] == 2:
            final[s.sid] = s.data["status"]
    statuses = dict(db.session.execute(select(Message.message_sid, Message.status)
                                       .where(Message.message_sid.in_(final))).all())
    return [f"outbound {sid}: status {statuses[sid]} after an accepted '{status}' report"
            for sid, status in sorted(final.items()) if sid in statuses and statuses[sid] != status]


def summary_counts() -> dict[str, int]:
    count = lambda query: db.session.scalar(select(func.count()).select_from(query.subquery()))  # noqa: E731
    return {
        "calls": count(select(Call.id)),
        "texts in": count(select(Message.id).where(Message.direction == "inbound")),
        "texts out": count(select(Message.id).where(Message.direction == "outbound")),
        "cases": count(select(Case.id)),
        "surveys sent": count(select(Survey.id).where(Survey.sent_at.is_not(None))),
        "surveys answered": count(select(Survey.id).where(Survey.answered_at.is_not(None))),
    }
