"""The mail adapter: SMTP as SMTP_URL says (credentials, STARTTLS), the development folder, and failures as
MailError."""

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpdesk.mail.transport import FolderTransport, Mail, MailError, MailNotConfigured, current_transport, send_mail
from tests.mail.conftest import Recorder, free_port, html_of, text_of

MAIL = Mail(to="manager@example.com", subject="Zażółć: отчёт", text="Plain <text>", html="<p>Rich</p>",
            language="pl")


def test_a_mail_goes_out_with_its_plain_text_and_html_parts(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "Hotline <hotline@example.com>")
    send_mail(MAIL)
    (message,) = smtp_server.messages
    assert (message["From"], message["To"], message["Subject"]) == (
        "Hotline <hotline@example.com>", "manager@example.com", "Zażółć: отчёт")
    assert text_of(message).strip() == "Plain <text>" and html_of(message).strip() == "<p>Rich</p>"
    assert message["Content-Language"] == "pl"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_user_and_password_of_the_url_sign_in(app, monkeypatch):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append(auth_data)
        return AuthResult(success=isinstance(auth_data, LoginPassword) and auth_data.password == b"p@ss word")

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        url = f"smtp://hotline%40example.com:p%40ss%20word@127.0.0.1:{controller.port}"
        monkeypatch.setitem(app.config, "SMTP_URL", url)
        send_mail(MAIL)
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://hotline:wrong@127.0.0.1:{controller.port}")
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 1)
        with pytest.raises(MailError):  # refused, or (aiosmtpd after a refused AUTH) no answer
            send_mail(MAIL)
    finally:
        controller.stop()
    assert seen[0] == LoginPassword(b"hotline@example.com", b"p@ss word") and len(recorder.messages) == 1


def test_starttls_is_required_when_the_url_asks_for_it(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp+starttls://127.0.0.1:{smtp_server.port}")
    with pytest.raises(MailError, match="STARTTLS"):
        send_mail(MAIL)
    assert smtp_server.messages == []  # never in clear text instead


def test_without_smtp_url_development_writes_the_mail_to_the_folder(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    assert current_transport() == FolderTransport(tmp_path)
    send_mail(MAIL)
    (written,) = tmp_path.glob("*.eml")
    assert b"Subject: =?utf-8?" in written.read_bytes()


def test_without_smtp_url_production_has_no_mail(app):
    with pytest.raises(MailNotConfigured):
        current_transport()


def test_an_smtp_url_of_another_scheme_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "http://127.0.0.1:25")
    with pytest.raises(MailNotConfigured, match="SMTP_URL"):
        send_mail(MAIL)
