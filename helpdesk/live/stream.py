"""One page's Server-Sent Events stream: the hub's events of the user's programs, heartbeats, a bounded life.

The response iterable itself: the WSGI server calls ``close`` when the page goes away (or the stream ends),
even when it never started, which ends the subscription.
"""

import json
import time
from collections.abc import Callable

from helpdesk.live.feed import FeedEvent
from helpdesk.operations.metrics import LIVE_CONNECTIONS

HEARTBEAT_SECONDS = 15.0  # a comment this often keeps proxies from closing an idle stream, and finds gone pages
LIFETIME_SECONDS = 300.0  # then the stream ends and the browser reconnects (Last-Event-ID), signing in afresh
RETRY_MILLISECONDS = 2000
# What a page is answered when its server process streams to as many pages as it may: come back a little later
# (the browser reconnects by itself, with its Last-Event-ID, maybe to another process).
BUSY = "retry: 10000\n\n: busy\n\n"


def encode(event: FeedEvent, call_line: str = "") -> str:
    """One event in the text/event-stream format; a resync carries no id, so the page's last id stays. A call
    event carries the call's line of the call bar (HTML, rendered and escaped by the server)."""
    if event.topic == "case":
        data = json.dumps({"case": event.case_id, "queues": event.queues})
    else:
        data = json.dumps({"call": event.call_id, "html": call_line} if event.topic == "call" else {})
    head = f"id: {event.id}\n" if event.id else ""
    return f"{head}event: {event.topic}\ndata: {data}\n\n"


class Stream:
    def __init__(self, hub, program_ids: set[int] | None, *, lifetime: float = LIFETIME_SECONDS,
                 heartbeat: float = HEARTBEAT_SECONDS, clock=time.monotonic):
        self.hub, self.program_ids = hub, program_ids
        self.lifetime, self.heartbeat, self.clock = lifetime, heartbeat, clock
        self.backlog: list[FeedEvent] = []
        self.render_call_line: Callable[[FeedEvent], str] = lambda event: ""
        self.cursor = hub.subscribe()
        self._subscribed = True
        LIVE_CONNECTIONS.inc()

    def visible(self, event: FeedEvent) -> bool:
        return event.id == 0 or self.program_ids is None or event.program_id in self.program_ids

    def __iter__(self):
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        sent = {event.id for event in self.backlog}
        latest_of_call = {event.call_id: event.id for event in self.backlog if event.topic == "call"}
        backlog = "".join(self.encode(event) for event in self.backlog if self.visible(event) and (
            event.topic != "call" or latest_of_call[event.call_id] == event.id))  # a call's line shows it as it is
        if backlog:
            yield backlog
        now = self.clock()
        deadline, quiet_since = now + self.lifetime, now
        while (now := self.clock()) < deadline and not self.hub.closing:
            self.cursor, events = self.hub.wait(self.cursor, min(self.heartbeat, deadline - now))
            chunk = "".join(self.encode(e) for e in events if self.visible(e) and (e.id == 0 or e.id not in sent))
            if chunk:
                yield chunk
                quiet_since = self.clock()
            elif self.clock() - quiet_since >= self.heartbeat:
                yield ": keep-alive\n\n"
                quiet_since = self.clock()

    def encode(self, event: FeedEvent) -> str:
        return encode(event, self.render_call_line(event) if event.topic == "call" else "")

    def close(self) -> None:
        if self._subscribed:
            self._subscribed = False
            self.hub.unsubscribe()
            LIVE_CONNECTIONS.dec()
