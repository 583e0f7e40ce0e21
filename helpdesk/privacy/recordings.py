"""Call recordings deleted at Twilio: queued by an erasure or the retention purge (in their unit of work, as
their links leave the calls), deleted right after by the request that erased, and retried by the worker until
Twilio confirms. Twilio is asked outside any transaction; each answer is recorded in a unit of work of its own."""

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, literal, select

from helpdesk.actors import SystemActor
from helpdesk.audit.services import record
from helpdesk.database import UTCDateTime, insert_or_ignore, lock_row, unit_of_work, utcnow
from helpdesk.extensions import db
from helpdesk.privacy.models import RecordingDeletion
from helpdesk.telephony.models import Call
from helpdesk.telephony.twilio_adapter import current_gateway

DELETER = SystemActor("Recording deletion")
MAX_BACKOFF = timedelta(hours=6)


def queue_recording_deletions(calls_condition, *, reason: str, participant_id: int | None = None) -> int:
    """Queue the recordings of the calls matching ``calls_condition``; how many were queued."""
    now = utcnow()
    chosen = select(Call.recording_sid, Call.program_id, literal(participant_id, Integer), literal(reason, String),
                    literal(now, UTCDateTime), literal(0, Integer), literal(now, UTCDateTime)
                    ).where(calls_condition, Call.recording_sid.is_not(None))
    insert = insert_or_ignore(RecordingDeletion, RecordingDeletion.recording_sid).from_select(
        ["recording_sid", "program_id", "participant_id", "reason", "requested_at", "attempts", "next_attempt_at"],
        chosen).returning(RecordingDeletion.id)
    return len(db.session.execute(insert).all())  # RETURNING: the driver's rowcount is -1 here on PostgreSQL


def delete_due_recordings(*, participant_id: int | None = None, now: datetime | None = None, batch: int = 100,
                          should_stop=lambda: False) -> dict:
    """Ask Twilio to delete the recordings due (those of one erasure when ``participant_id`` is given, whether
    due or not); ``{"deleted": n, "failed": m}``."""
    now = now or utcnow()
    query = select(RecordingDeletion.id, RecordingDeletion.recording_sid).where(RecordingDeletion.deleted_at.is_(None))
    if participant_id is not None:
        query = query.where(RecordingDeletion.participant_id == participant_id)
    else:
        query = query.where(RecordingDeletion.next_attempt_at <= now)
    due = db.session.execute(query.order_by(RecordingDeletion.next_attempt_at).limit(batch)).all()
    db.session.commit()  # end the read: Twilio is asked with no transaction open
    gateway, counts = current_gateway(), {"deleted": 0, "failed": 0}
    for deletion_id, sid in due:
        if should_stop():
            break
        error = gateway.delete_recording(sid)
        with unit_of_work():
            _record_answer(deletion_id, error)
        counts["failed" if error else "deleted"] += 1
    return counts


def _record_answer(deletion_id: int, error: str | None) -> None:
    deletion = lock_row(RecordingDeletion, RecordingDeletion.id == deletion_id)
    if deletion is None or deletion.deleted_at is not None:
        return
    deletion.attempts += 1
    if error is None:
        deletion.deleted_at, deletion.next_attempt_at, deletion.last_error = utcnow(), None, None
        record("recording.deleted", actor=DELETER, target=("recording", deletion.recording_sid),
               program=deletion.program_id, details={"reason": deletion.reason, "attempts": deletion.attempts})
    else:
        deletion.last_error = error[:255]
        deletion.next_attempt_at = utcnow() + min(timedelta(minutes=2 ** min(deletion.attempts, 10)), MAX_BACKOFF)
