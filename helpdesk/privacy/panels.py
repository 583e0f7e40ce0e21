"""The privacy panel of the participant page: the erased notice (pending while Twilio still holds recordings),
and for managers the export and erase buttons."""

from helpdesk.participants.models import Participant
from helpdesk.privacy.erasure import pending_recordings


def participant_privacy(participant: Participant, actor) -> dict | None:
    if participant.erased_at is not None:
        return {"participant": participant, "pending": pending_recordings(participant.id)}
    if not actor.is_manager:
        return None
    return {"participant": participant, "pending": 0}
