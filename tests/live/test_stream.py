"""A page's event stream, and the hub that feeds the streams of one server process."""

import signal
import threading
import time
from types import SimpleNamespace

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.live import end_streams_when_stopping
from helpdesk.live import hub as hub_module
from helpdesk.live.feed import RESYNC, FeedEvent
from helpdesk.live.hub import Hub
from helpdesk.live.stream import Stream
from tests import factories
from tests.conftest import build_app


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class ScriptedHub:
    """Hands out the given batches of events, one per wait; with none left, time passes by the wait's timeout."""

    def __init__(self, clock, *batches):
        self.clock, self.batches, self.subscribers, self.closing = clock, list(batches), 0, False

    def subscribe(self):
        self.subscribers += 1
        return 0

    def unsubscribe(self):
        self.subscribers -= 1

    def wait(self, cursor, timeout):
        if self.batches:
            return cursor + 1, self.batches.pop(0)
        self.clock.now += timeout
        return cursor, []


def case_event(event_id, program_id, case_id=1, queues=False):
    return FeedEvent(event_id, program_id, "case", case_id, queues)


def test_a_stream_sends_the_events_of_the_users_programs_only():
    clock = Clock()
    hub = ScriptedHub(clock, [case_event(1, 7, 70), case_event(2, 8, 80), FeedEvent(3, 7, "call", call_id=30)],
                      [RESYNC])
    stream = Stream(hub, {7}, lifetime=30, heartbeat=15, clock=clock)
    stream.render_call_line = lambda event: f'<li data-call-id="{event.call_id}">\n</li>'
    text = "".join(stream)
    assert text.startswith("retry: 2000\n\n")
    assert 'id: 1\nevent: case\ndata: {"case": 70, "queues": false}\n\n' in text
    assert 'id: 3\nevent: call\ndata: {"call": 30, "html": "<li data-call-id=\\"30\\">\\n</li>"}\n\n' in text
    assert "id: 2" not in text
    assert "event: refresh\ndata: {}\n\n" in text  # no id: the page's last event id stays


def test_an_admins_stream_sends_every_programs_events():
    clock = Clock()
    hub = ScriptedHub(clock, [case_event(1, 7), case_event(2, 8)])
    text = "".join(Stream(hub, None, lifetime=1, clock=clock))
    assert "id: 1\n" in text and "id: 2\n" in text


def test_a_quiet_stream_sends_heartbeats_and_ends_after_its_lifetime():
    clock = Clock()
    stream = Stream(ScriptedHub(clock), {7}, lifetime=60, heartbeat=15, clock=clock)
    chunks = list(stream)
    assert chunks.count(": keep-alive\n\n") == 4 and clock.now == 60


def test_a_resumed_stream_sends_what_it_missed_first_and_not_twice():
    clock = Clock()
    hub = ScriptedHub(clock, [case_event(5, 7, 50), case_event(6, 7, 60)])
    stream = Stream(hub, {7}, lifetime=1, clock=clock)
    stream.backlog = [case_event(4, 7, 40), case_event(5, 7, 50)]
    text = "".join(stream)
    assert text.count("id: 5\n") == 1 and text.index("id: 4\n") < text.index("id: 5\n") < text.index("id: 6\n")


def test_streams_end_when_their_process_stops():
    clock = Clock()
    hub = ScriptedHub(clock, [case_event(1, 7)])
    stream = iter(Stream(hub, {7}, lifetime=300, clock=clock))
    assert next(stream).startswith("retry") and next(stream).startswith("id: 1")
    hub.closing = True
    assert list(stream) == [] and clock.now < 300


def test_a_call_line_is_made_once_per_process_whatever_the_number_of_pages():
    hub, made = Hub(engine=None), []
    lines = [hub.memo(("call", 9, "en"), lambda: made.append(1) or "<li>") for _ in range(200)]
    assert lines == ["<li>"] * 200 and made == [1]


def test_a_closing_hub_wakes_its_waiting_streams_at_once():
    hub = Hub(engine=None)
    threading.Timer(0.05, hub.close).start()
    started = time.monotonic()
    assert hub.wait(0, timeout=10) == (0, []) and time.monotonic() - started < 5


def test_a_resumed_stream_shows_each_missed_call_once_as_it_is_now():
    clock = Clock()
    stream = Stream(ScriptedHub(clock), {7}, lifetime=1, clock=clock)
    stream.render_call_line = lambda event: f"line of {event.call_id} for event {event.id}"
    stream.backlog = [FeedEvent(1, 7, "call", call_id=5), FeedEvent(2, 7, "call", call_id=6),
                      FeedEvent(3, 7, "call", call_id=5)]
    text = "".join(stream)
    assert "id: 1\n" not in text and "line of 6 for event 2" in text and "line of 5 for event 3" in text


def test_closing_a_stream_ends_its_subscription_even_before_it_started():
    hub = ScriptedHub(Clock())
    stream = Stream(hub, {7})
    assert hub.subscribers == 1
    stream.close()
    stream.close()
    assert hub.subscribers == 0


def test_a_stream_further_behind_than_the_hubs_buffer_is_told_to_reload(monkeypatch):
    monkeypatch.setattr(hub_module, "BUFFER", 3)
    hub = Hub(engine=None)  # no subscriber: no source thread
    hub.publish([case_event(n, 7) for n in range(1, 6)])
    assert hub.wait(0, timeout=0) == (5, [RESYNC])
    assert hub.wait(3, timeout=0) == (5, [case_event(4, 7), case_event(5, 7)])
    assert hub.wait(5, timeout=0) == (5, [])


def test_a_committed_change_reaches_a_waiting_stream_within_a_second(fresh_database):
    """The source thread of the database in use (LISTEN on PostgreSQL, reading by id on SQLite) against a
    database of its own, where commits are real."""
    app = build_app(fresh_database("_hub"))
    hub = app.extensions["live_hub"]
    try:
        cursor = hub.subscribe()
        cursor, events = hub.wait(cursor, timeout=5)
        assert events == [RESYNC]  # the source is running
        with app.app_context():
            with unit_of_work():
                case = factories.case(factories.program())
                case_id, program_id = case.id, case.program_id
            db.session.remove()
            started = time.monotonic()
        received = []
        while time.monotonic() - started < 1 and not received:
            cursor, received = hub.wait(cursor, timeout=0.2)
        assert [(e.topic, e.program_id, e.case_id, e.queues) for e in received] == [
            ("case", program_id, case_id, True)]
    finally:
        hub.unsubscribe()
        with app.app_context():
            db.engine.dispose()


def test_a_stopping_gunicorn_worker_ends_its_streams_then_stops_as_before(monkeypatch):
    hub, stopped = Hub(engine=None), []
    worker = SimpleNamespace(wsgi=SimpleNamespace(extensions={"live_hub": hub}),
                             handle_exit=lambda sig, frame: stopped.append(sig))
    installed = {}
    monkeypatch.setattr(signal, "signal", lambda sig, handler: installed.setdefault(sig, handler))
    end_streams_when_stopping(worker)
    installed[signal.SIGTERM](signal.SIGTERM, None)
    assert hub.closing and stopped == [signal.SIGTERM]
