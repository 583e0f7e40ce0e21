"""Sending an e-mail: ``send_mail(mail)`` through the transport the configuration chooses.

- ``SMTP_URL`` ``smtp://user:pass@host:port`` (plain; port 25 by default) or ``smtp+starttls://…`` (STARTTLS
  before signing in; port 587 by default), ``smtps://…`` (TLS from the start; 465), from ``MAIL_FROM``;
- without it, in development, each mail is written to ``instance/mail/`` as an ``.eml`` file (or to ``MAIL_FOLDER``);
- without it anywhere else, nothing can be sent: :class:`MailNotConfigured`.

Any failure to hand a mail over (refused, timed out, connection dropped) is a :class:`MailError`, which callers
retry later.
"""

import smtplib
import ssl
import uuid
from contextlib import suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from helpdesk.database import utcnow

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailError(Exception):
    """The mail was not handed over; it may be tried again later."""


class MailNotConfigured(MailError):
    pass


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    language: str | None = None


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """A plain-text message, with the HTML as its alternative when there is one."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), make_msgid(domain="helpdesk")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    if mail.language:  # after the content, which replaces every Content-* header
        message["Content-Language"] = mail.language
    return message


class SmtpTransport:
    """Keeps its connection open from one send to the next (a worker's pass sends a mail per manager); a failure
    closes it, and the next send connects again. ``close()`` when done."""

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self._client: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        try:
            if self._client is None:
                self._client = self._connect()
            self._client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, dropped, TLS failed
            self.close()
            raise MailError(f"{type(exc).__name__}: {exc}"[:500]) from exc

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with suppress(smtplib.SMTPException, OSError):
                client.quit()
            client.close()

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise MailNotConfigured("SMTP_URL must be smtp://, smtp+starttls:// or smtps://user:pass@host:port")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        if parts.scheme == "smtps":
            client = smtplib.SMTP_SSL(parts.hostname, port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(parts.hostname, port, timeout=self.timeout)
        try:
            if parts.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
        except BaseException:
            client.close()
            raise
        return client


@dataclass(frozen=True)
class FolderTransport:
    """Development: the mail as a file, newest names sorting last."""

    folder: Path

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(bytes(message))

    def close(self) -> None:
        pass


def mail_folder() -> Path:
    return Path(current_app.config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")


def mail_configured() -> bool:
    config = current_app.config
    return bool(config.get("SMTP_URL") or config["DEVELOPMENT"])


def current_transport():
    config = current_app.config
    if config.get("SMTP_URL"):
        return SmtpTransport(config["SMTP_URL"], config["SMTP_TIMEOUT"])
    if config["DEVELOPMENT"]:
        return FolderTransport(mail_folder())
    raise MailNotConfigured("SMTP_URL is not set")


def send_mail(mail: Mail, transport=None) -> None:
    """Hand ``mail`` over for delivery through ``transport`` (left open), or a transport of its own; or raise
    MailError."""
    own = transport is None
    transport = transport or current_transport()
    try:
        transport.send(build_message(mail, current_app.config["MAIL_FROM"]))
    finally:
        if own:
            transport.close()
