"""The retention purge: what a program keeps past its months is erased (recordings queued for Twilio), the rest
stays; the dry run only counts; a second run changes nothing."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from helpdesk.audit.models import AuditEvent
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.privacy.models import ERASED, RecordingDeletion
from helpdesk.privacy.retention import months_before, purge_expired
from helpdesk.surveys.models import Survey
from helpdesk.telephony.models import Call, Message
from tests.privacy.conftest import build_person

MESSAGES = 3  # a person's texts: theirs, the hotline's acknowledgement of it and the agent's reply


def age_everything(program_id: int, days: int) -> None:
    """Move the program's texts (delivered long ago), calls, timeline entries and survey comments ``days`` into
    the past."""
    past = utcnow() - timedelta(days=days)
    db.session.execute(update(Message).where(Message.program_id == program_id, Message.status == "pending")
                       .values(status="delivered"))
    db.session.execute(update(Message).where(Message.program_id == program_id).values(created_at=past))
    db.session.execute(update(Call).where(Call.program_id == program_id).values(started_at=past))
    db.session.execute(update(Survey).where(Survey.program_id == program_id, Survey.comment.is_not(None))
                       .values(comment_at=past))
    db.session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(
        select(Case.id).where(Case.program_id == program_id))).values(created_at=past))
    db.session.commit()


def old_and_new(make):
    old_program, new_program = make.program(), make.program()
    old, new = build_person(make, old_program), build_person(make, new_program, external_id="NEW-1")
    age_everything(old_program.id, days=25 * 31)
    age_everything(new_program.id, days=23 * 31)
    return old, new


def test_the_purge_erases_only_what_is_older_than_the_programs_retention(make):
    old, new = old_and_new(make)
    summary = purge_expired()
    db.session.expire_all()
    assert summary.counts["messages"] == MESSAGES and summary.counts["recordings"] == 1
    assert summary.counts["transcriptions"] == 1 and summary.counts["survey_comments"] == 1
    assert set(db.session.scalars(select(Message.body).where(Message.program_id == old.program_id))) == {ERASED}
    assert ERASED not in set(db.session.scalars(select(Message.body).where(Message.program_id == new.program_id)))
    call = db.session.scalars(select(Call).where(Call.program_id == old.program_id)).one()
    assert (call.transcription, call.recording_sid, call.recording_url) == (ERASED, None, None)
    assert db.session.scalars(select(RecordingDeletion.recording_sid)).all() == [old.recording_sid]
    texts = db.session.scalars(select(CaseEvent.body).where(
        CaseEvent.case_id == old.case_id, CaseEvent.kind.in_(("sms_in", "sms_out", "transcription")))).all()
    assert texts and set(texts) == {ERASED}
    # cases keep their structure and figures
    assert db.session.get(Case, old.case_id).status.value == "closed"
    assert db.session.scalar(select(Survey.score).where(Survey.case_id == old.case_id, Survey.score.is_not(None))
                             ) == 2


def test_a_second_purge_changes_nothing(make):
    old_and_new(make)
    purge_expired()
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditEvent))
    again = purge_expired()
    assert sum(again.counts.values()) == 0 and again.programs == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_rows


def test_the_dry_run_counts_and_changes_nothing(make):
    old, _ = old_and_new(make)
    dry = purge_expired(dry_run=True)
    assert dry.counts["messages"] == MESSAGES and dry.counts["recordings"] == 1
    db.session.expire_all()
    assert ERASED not in set(db.session.scalars(select(Message.body).where(Message.program_id == old.program_id)))
    assert purge_expired().counts == dry.counts


def test_a_shorter_retention_purges_sooner(make):
    program = make.program()
    program.retention_months = 1
    build_person(make, program)
    age_everything(program.id, days=40)
    assert purge_expired().counts["messages"] == MESSAGES


def test_the_cli_reports_progress_and_a_summary_and_its_dry_run(make, runner):
    old_and_new(make)
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"Dry run, nothing changed. Would erase: {MESSAGES} message texts" in dry.output
    done = runner.invoke(args=["privacy", "purge"])
    assert done.exit_code == 0, done.output
    assert f"messages: {MESSAGES} erased" in done.output and f"Erased: {MESSAGES} message texts" in done.output
    again = runner.invoke(args=["privacy", "purge"])
    assert "Erased: 0 message texts" in again.output


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(datetime(2026, 3, 31, 8, tzinfo=UTC), 1) == datetime(2026, 2, 28, 8, tzinfo=UTC)
    assert months_before(datetime(2026, 11, 29, tzinfo=UTC), 24) == datetime(2024, 11, 29, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(2024, 12, 15, tzinfo=UTC)
