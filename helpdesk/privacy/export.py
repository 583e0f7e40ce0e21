"""A participant's data export (GDPR article 15): one ZIP, streamed as it is written, holding ``participant.json``
(everything in one document) and a CSV file per kind of record. Rows are read a chunk at a time and written at
once, so memory stays bounded however many messages the participant has."""

import csv
import enum
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from helpdesk.api.serializers import timestamp
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.extensions import db
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from helpdesk.rewards.models import RewardOrder
from helpdesk.spreadsheets import safe_cell
from helpdesk.surveys.models import Survey
from helpdesk.telephony.models import Call, Message

CHUNK = 500

PARTICIPANT = (Participant.external_id, Participant.first_name, Participant.last_name, Participant.phone,
               Participant.email, Participant.locale, Participant.points_balance, Participant.sms_opt_out,
               Participant.created_at, Participant.updated_at)
CASES = (Case.id, Case.number, Case.channel, Case.category, Case.subject, Case.description, Case.status,
         Case.priority, Case.created_at, Case.resolved_at, Case.closed_at)
EVENTS = (CaseEvent.id, CaseEvent.case_id, CaseEvent.created_at, CaseEvent.kind, CaseEvent.author_name,
          CaseEvent.is_public, CaseEvent.body, CaseEvent.data)
MESSAGES = (Message.id, Message.case_id, Message.direction, Message.from_number, Message.to_number, Message.body,
            Message.status, Message.created_at)
CALLS = (Call.id, Call.case_id, Call.from_number, Call.to_number, Call.status, Call.outcome, Call.started_at,
         Call.ended_at, Call.duration, Call.recording_url, Call.recording_duration, Call.transcription)
SURVEYS = (Survey.id, Survey.case_id, Survey.status, Survey.sent_at, Survey.score, Survey.answered_at,
           Survey.comment, Survey.comment_at)
ORDERS = (RewardOrder.id, RewardOrder.order_ref, RewardOrder.reward_sku, RewardOrder.reward_name,
          RewardOrder.reward_type, RewardOrder.points_spent, RewardOrder.ordered_at, RewardOrder.status,
          RewardOrder.vendor, RewardOrder.carrier, RewardOrder.tracking_number, RewardOrder.shipping_address)


@dataclass
class ExportCounts:
    rows: dict = field(default_factory=dict)  # file -> rows written
    complete: bool = False


def export_filename(participant: Participant, program: Program) -> str:
    return f"participant-{program.code}-{participant.external_id}.zip".replace("/", "_")


def export_zip(participant_id: int, *, finished: Callable[[ExportCounts], None]) -> Iterator[bytes]:
    """The ZIP's bytes, as they are written; ``finished(counts)`` at its end (its audit row)."""
    sink, counts = _Sink(), ExportCounts()
    try:
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for kind, columns, rows in _sections(participant_id):
                yield from _write_csv(archive, sink, f"{kind}.csv", columns, rows(), counts)
            yield from _write_json(archive, sink, participant_id)
        yield sink.take()
        counts.complete = True
    finally:
        finished(counts)


def _sections(participant_id: int):
    case_ids = select(Case.id).where(Case.participant_id == participant_id).scalar_subquery()
    return (
        ("participant", PARTICIPANT, lambda: _rows(PARTICIPANT, Participant, Participant.id == participant_id)),
        ("cases", CASES, lambda: _rows(CASES, Case, Case.participant_id == participant_id)),
        ("case_events", EVENTS, lambda: _rows(EVENTS, CaseEvent, CaseEvent.case_id.in_(case_ids))),
        ("messages", MESSAGES, lambda: _rows(MESSAGES, Message, or_(Message.participant_id == participant_id,
                                                                     Message.case_id.in_(case_ids)))),
        ("calls", CALLS, lambda: _rows(CALLS, Call, or_(Call.participant_id == participant_id,
                                                        Call.case_id.in_(case_ids)))),
        ("survey_answers", SURVEYS, lambda: _rows(SURVEYS, Survey, or_(Survey.participant_id == participant_id,
                                                                        Survey.case_id.in_(case_ids)))),
        ("reward_orders", ORDERS, lambda: _rows(ORDERS, RewardOrder, RewardOrder.participant_id == participant_id)),
    )


def _rows(columns, model, condition) -> Iterator[dict]:
    """Each matching row as a dict of JSON values, read ``CHUNK`` rows at a time by id (never all at once)."""
    last = 0
    while True:
        chunk = db.session.execute(select(*columns).where(condition, model.id > last)
                                   .order_by(model.id).limit(CHUNK)).all()
        for row in chunk:
            yield {column.key: _json_value(value) for column, value in zip(columns, row, strict=True)}
        if len(chunk) < CHUNK:
            return
        last = chunk[-1].id


def _json_value(value):
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _write_csv(archive, sink, name: str, columns, rows, counts: ExportCounts) -> Iterator[bytes]:
    with archive.open(name, "w") as entry, io.TextIOWrapper(entry, encoding="utf-8", newline="") as text:
        writer = csv.writer(text)
        writer.writerow(column.key for column in columns)
        written = 0
        for row in rows:
            writer.writerow(safe_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
                            for v in row.values())
            written += 1
            if written % CHUNK == 0:
                text.flush()
                yield sink.take()
        counts.rows[name] = written
    yield sink.take()


def _write_json(archive, sink, participant_id: int) -> Iterator[bytes]:
    """``participant.json``: the participant, then each kind of record as a list, written item by item."""
    with archive.open("participant.json", "w") as entry, io.TextIOWrapper(entry, encoding="utf-8") as text:
        sections = _sections(participant_id)
        participant = next(iter(sections[0][2]()))
        text.write('{"participant": ' + json.dumps(participant, ensure_ascii=False))
        for kind, _, rows in sections[1:]:
            text.write(f', "{kind}": [')
            for n, row in enumerate(rows()):
                text.write((", " if n else "") + json.dumps(row, ensure_ascii=False))
                if n % CHUNK == CHUNK - 1:
                    text.flush()
                    yield sink.take()
            text.write("]")
        text.write("}\n")
    yield sink.take()


class _Sink(io.RawIOBase):
    """Where the ZIP is written: a buffer the stream takes from. Not seekable, so zipfile writes each entry's
    sizes after its data (as a streamed ZIP must)."""

    def __init__(self):
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
