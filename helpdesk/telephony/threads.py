"""Which case a text belongs to: the conversation's.

The conversation's case is the one that last texted the sender or that the sender last texted. It takes the
text while open, and reopens for it when resolved within the program's reopen window; a case merged away
hands its texts to the case it was merged into. Failing that, the sender's latest open SMS case takes it
(texts filed before conversations were tracked); failing that, the text opens a new case.

Callers hold the sender's lock (the participant's row, or the program's for unknown numbers), so one sender's
texts are filed one after the other. The case found is locked too: a merge of that case, which locks both
cases, either finishes first (the pointer is followed) or waits for the text to be filed (and moves it).
"""

from datetime import datetime

from sqlalchemy import select

from helpdesk.cases.models import Case, Channel, Status
from helpdesk.conversations.settings import rules_for
from helpdesk.database import lock_row
from helpdesk.extensions import db
from helpdesk.telephony.lookup import latest_open_case
from helpdesk.telephony.models import Message

MAX_MERGE_HOPS = 10  # a merged case points at an open one when merged; this only bounds a corrupted chain


def conversation_case(message: Message, now: datetime) -> tuple[Case | None, bool]:
    """The case ``message`` goes on, locked, and whether it must be reopened for it; (None, False) for a new one."""
    case = follow_merges(_last_texted_case_id(message))
    if case is not None:
        if case.is_open:
            return case, False
        window = rules_for(case.program).reopen_window
        if case.status == Status.RESOLVED and window and case.resolved_at and case.resolved_at >= now - window:
            return case, True
    if message.participant_id is not None:
        fallback = latest_open_case(message.participant_id, channel=Channel.SMS)
        return (lock_row(Case, Case.id == fallback.id) if fallback is not None else None), False
    return None, False


def follow_merges(case_id: int | None) -> Case | None:
    """The case ``case_id``, locked, or the case it was merged into (and so on)."""
    for _ in range(MAX_MERGE_HOPS):
        if case_id is None:
            return None
        case = lock_row(Case, Case.id == case_id)
        if case is None or case.merged_into_id is None:
            return case
        case_id = case.merged_into_id
    return None


def _last_texted_case_id(message: Message) -> int | None:
    """The case of the sender's latest message in or out (with a case) in the program: two index walks, by the
    sender's number as sender and as recipient."""
    number = message.from_number
    base = select(Message.id, Message.case_id).where(
        Message.program_id == message.program_id, Message.case_id.is_not(None), Message.id != message.id)
    if message.participant_id is None:
        base = base.where(Message.participant_id.is_(None))
    latest = [db.session.execute(base.where(column == number).order_by(Message.id.desc()).limit(1)).first()
              for column in (Message.from_number, Message.to_number)]
    found = [row for row in latest if row is not None]
    return max(found).case_id if found else None
