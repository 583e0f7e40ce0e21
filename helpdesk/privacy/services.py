"""The privacy use cases as the staff pages and the API run them, each committing its own units of work: the
erasure (then its recordings deleted at Twilio, outside any transaction) and the streamed export."""

from collections.abc import Iterator
from dataclasses import dataclass

from helpdesk.audit.services import record
from helpdesk.database import unit_of_work
from helpdesk.participants.models import Participant
from helpdesk.privacy.erasure import Erasure, erase_participant, pending_recordings
from helpdesk.privacy.export import ExportCounts, export_filename, export_zip
from helpdesk.privacy.recordings import delete_due_recordings


@dataclass(frozen=True)
class ErasureOutcome:
    erasure: Erasure
    pending: int  # recordings Twilio has not confirmed deleted yet: the erasure is pending until it has


def erase_and_delete_recordings(participant_id: int, *, actor) -> ErasureOutcome:
    with unit_of_work():
        erasure = erase_participant(participant_id, actor=actor)
    if erasure.recordings:
        delete_due_recordings(participant_id=participant_id)
    return ErasureOutcome(erasure, pending_recordings(participant_id))


def export_response_parts(participant: Participant, *, actor) -> tuple[Iterator[bytes], str]:
    """The ZIP's byte stream and its file name; the audit row is written when the stream ends (with what it
    held, and whether it was sent whole)."""
    participant_id, program_id = participant.id, participant.program_id
    filename = export_filename(participant, participant.program)

    def finished(counts: ExportCounts) -> None:
        with unit_of_work():
            record("participant.exported", actor=actor, target=("participant", participant_id), program=program_id,
                   details={"file": filename, "rows": counts.rows, "complete": counts.complete})

    return export_zip(participant_id, finished=finished), filename
