"""The change feed in one server process: a source thread receives the feed's events and wakes the streams.

One thread per process, started by the first connected page and stopped when none has been connected for a
while: on PostgreSQL it LISTENs on a connection of its own (events arrive as their transactions commit); on
SQLite it reads ``live_events`` by id a few times a second (writers commit one after the other, so ids arrive
in order). Each stream waits on the hub's condition with a cursor into a bounded buffer of recent events: a
stream costs a sleeping thread and a cursor, whatever the number of streams.
"""

import logging
import threading
import time
from collections import OrderedDict, deque

import psycopg
from sqlalchemy.engine import Engine

from helpdesk.live.feed import CHANNEL, RESYNC, FeedEvent, events_after, newest_id

log = logging.getLogger(__name__)
BUFFER = 2048  # events kept for slow streams; one further behind is told to reload instead
POLL_SECONDS = 0.15  # SQLite: how often the feed table is read
IDLE_STOP_SECONDS = 60.0  # the source thread stops after this long without a connected page
RECONNECT_SECONDS = 1.0
MEMO_SIZE = 64
READY_SECONDS = 5.0  # how long a first page waits for the source to listen before its stream starts anyway


class Hub:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._condition = threading.Condition()
        self._events: deque[FeedEvent] = deque(maxlen=BUFFER)
        self._sequence = 0  # how many events this hub has received in all
        self._subscribers = 0
        self._idle_since = time.monotonic()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()  # the source listens: what commits from now on reaches the streams
        self.closing = False  # the process is stopping: streams end now, their pages reconnect elsewhere
        self._memo: OrderedDict = OrderedDict()
        self._memo_lock = threading.Lock()

    # The streams' side

    def subscribe(self) -> int:
        """A cursor for a new stream (events after now), starting the source thread if needed: it returns once the
        source listens, so that whatever commits after it reaches the stream."""
        with self._condition:
            self._subscribers += 1
            if not self.closing and (self._thread is None or not self._thread.is_alive()):
                self._ready.clear()
                self._thread = threading.Thread(target=self._run, name="live-feed", daemon=True)
                self._thread.start()
            cursor, closing = self._sequence, self.closing
        if not closing:
            self._ready.wait(READY_SECONDS)
        return cursor

    def unsubscribe(self) -> None:
        with self._condition:
            self._subscribers -= 1
            if self._subscribers == 0:
                self._idle_since = time.monotonic()

    @property
    def subscribers(self) -> int:
        return self._subscribers

    def wait(self, cursor: int, timeout: float) -> tuple[int, list[FeedEvent]]:
        """The events after ``cursor`` (waiting up to ``timeout`` for one) and the new cursor. A stream that fell
        further behind than the buffer gets ``RESYNC`` in place of what it missed."""
        with self._condition:
            if self._sequence == cursor and not self.closing:
                self._condition.wait(timeout)
            missed = self._sequence - cursor
            if missed > len(self._events):
                return self._sequence, [RESYNC]
            return self._sequence, list(self._events)[len(self._events) - missed:] if missed else []

    def memo(self, key, make):
        """``make()``, made once by this process for ``key`` (the line of the call bar that one call event shows
        in every page of the call's program, in one language): not once per page."""
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = make()
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
            return self._memo[key]

    def close(self) -> None:
        """The process stops: the streams end and the source thread with them."""
        with self._condition:
            self.closing = True
            self._condition.notify_all()

    def publish(self, events: list[FeedEvent]) -> None:
        if not events:
            return
        with self._condition:
            self._events.extend(events)
            self._sequence += len(events)
            self._condition.notify_all()

    # The source thread

    def _keep_running(self) -> bool:
        """False once no page has been connected for ``IDLE_STOP_SECONDS`` (or the hub is closed); the thread is
        then forgotten in the same step, so a page connecting at that moment starts a new one."""
        with self._condition:
            idle = self._subscribers == 0 and time.monotonic() - self._idle_since > IDLE_STOP_SECONDS
            if idle or self.closing:
                self._thread = None
                return False
            return True

    def _run(self) -> None:
        source = self._listen if self.engine.dialect.name == "postgresql" else self._poll
        while self._keep_running():
            try:
                source()  # returns when it is time to stop
                return
            except Exception:
                log.exception("the live feed's source failed; connecting again")
                time.sleep(RECONNECT_SECONDS)

    def _poll(self) -> None:
        """SQLite: read the events after the last one seen, every ``POLL_SECONDS``."""
        with self.engine.connect() as connection:
            last = newest_id(connection)
            connection.rollback()
            self.publish([RESYNC])  # what was written before this read is unknown to the streams
            self._ready.set()
            while self._keep_running():
                events = events_after(connection, last, limit=BUFFER)
                connection.rollback()  # ends the read transaction: the next read sees newer commits
                if events is None:
                    self.publish([RESYNC])
                    last = newest_id(connection)
                    connection.rollback()
                elif events:
                    last = events[-1].id
                    self.publish(events)
                time.sleep(POLL_SECONDS)

    def _listen(self) -> None:
        """PostgreSQL: LISTEN on a connection of this thread's own; each NOTIFY is one event."""
        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self.publish([RESYNC])  # what was sent while nobody listened is unknown to the streams
            self._ready.set()
            while self._keep_running():
                for notice in connection.notifies(timeout=1.0):
                    try:
                        self.publish([FeedEvent.from_json(notice.payload)])
                    except (ValueError, KeyError, TypeError):
                        log.warning("ignored a malformed live event: %.200s", notice.payload)
