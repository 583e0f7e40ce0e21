"""A loopback SMTP server (aiosmtpd) that records what it is sent, and can refuse the next messages."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    def __init__(self):
        self.messages = []
        self.refuse = 0  # how many of the next messages to refuse with a temporary error
        self.port = None
        self.connections = set()  # the client ends (address, port) the messages came from

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.connections.add(session.peer)
        return "250 OK"

    def by_recipient(self) -> dict:
        return {message["To"]: message for message in self.messages}


@pytest.fixture
def smtp_server(app, monkeypatch):
    """The recorder of a running server, which the app's SMTP_URL points at."""
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    yield recorder
    controller.stop()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
