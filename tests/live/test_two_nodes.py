"""Two app nodes (two gunicorn servers on different ports) on one database: a webhook answered by node A reaches
an agent whose page is connected to node B within a second; an agent of another program hears nothing of it;
a page that lost its stream gets what it missed when it reconnects."""

import json
import os
import signal
import subprocess

import pytest

from bench.live_clients import (
    EventStream,
    free_port,
    node_environment,
    post_webhook,
    sign_in,
    start_node,
    wait_until_served,
)
from helpdesk.extensions import db
from tests import factories
from tests.conftest import build_app


@pytest.fixture(scope="module")
def nodes(fresh_database, tmp_path_factory):
    url = fresh_database("_nodes")
    app = build_app(url)
    with app.app_context():
        program, other = factories.program(), factories.program()
        people = {
            "hotline": program.hotline_number,
            "caller": factories.participant(program, phone="+48601234567").phone,
            "agent": factories.user(programs=[program]).email,
            "stranger": factories.user(programs=[other]).email,
        }
        db.session.commit()
        db.engine.dispose()
    env = node_environment(url)
    ports = [free_port(), free_port()]
    logs = tmp_path_factory.mktemp("nodes")
    processes = [start_node(port, env, log=logs / f"node{n}.log") for n, port in enumerate(ports)]
    try:
        for port in ports:
            wait_until_served(port)
        yield ports, people
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_a_webhook_on_one_node_reaches_an_agent_on_the_other_within_a_second(nodes):
    (node_a, node_b), people = nodes
    agent = EventStream(node_b, sign_in(node_b, people["agent"], factories.PASSWORD))
    stranger = EventStream(node_b, sign_in(node_b, people["stranger"], factories.PASSWORD))
    try:
        call = {"CallSid": "CA" + "5" * 32, "From": people["caller"], "To": people["hotline"],
                "CallStatus": "ringing"}
        answered = post_webhook(node_a, "/twilio/voice/incoming", call)
        rang = agent.wait_for("call", 5)
        assert rang.arrived - answered < 1.0, f"{rang.arrived - answered:.3f} s"

        text = {"MessageSid": "SM" + "7" * 32, "From": people["caller"], "To": people["hotline"], "Body": "Hello?"}
        answered = post_webhook(node_a, "/twilio/sms/incoming", text)
        texted = agent.wait_for("case", 5)
        assert texted.arrived - answered < 1.0 and json.loads(texted.data)["queues"] is True

        with pytest.raises(TimeoutError):
            stranger.wait_for("call", 1)  # another program's agent: nothing of it
    finally:
        agent.close()
        stranger.close()


def test_a_reconnecting_page_gets_what_it_missed(nodes):
    (node_a, node_b), people = nodes
    cookie = sign_in(node_b, people["agent"], factories.PASSWORD)
    stream = EventStream(node_b, cookie)
    first = {"MessageSid": "SM" + "8" * 32, "From": people["caller"], "To": people["hotline"], "Body": "One"}
    post_webhook(node_a, "/twilio/sms/incoming", first)
    seen = stream.wait_for("case", 5)
    stream.close()

    missed = {"CallSid": "CA" + "9" * 32, "From": people["caller"], "To": people["hotline"], "CallStatus": "ringing"}
    post_webhook(node_a, "/twilio/voice/incoming", missed)
    resumed = EventStream(node_b, cookie, last_event_id=seen.id)
    try:
        caught_up = resumed.wait_for("call", 2)
        assert int(caught_up.id) > int(seen.id)
    finally:
        resumed.close()
