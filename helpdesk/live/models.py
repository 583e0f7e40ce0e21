from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.database import UTCDateTime, utcnow
from helpdesk.extensions import db


class LiveEvent(db.Model):
    """A change agents' open pages show as it happens: a call's state, a case's timeline, the queues.

    Written in the transaction of the change (so it exists if and only if the change committed) and kept only
    for a while (the newest ``feed.KEEP_EVENTS``): on SQLite it is the feed itself, read by id; on PostgreSQL,
    where NOTIFY carries it, it serves a reconnecting page's catch-up (Last-Event-ID). It holds ids only: what a
    page shows, it fetches through the pages that check who may see it, or (a call's line in the call bar) the
    stream renders for the streams of the call's program.
    """

    __tablename__ = "live_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int]
    topic: Mapped[str] = mapped_column(String(8))  # "call" or "case"
    case_id: Mapped[int | None]
    call_id: Mapped[int | None]
    queues: Mapped[bool] = mapped_column(default=False)  # the change may move a case between queues
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
