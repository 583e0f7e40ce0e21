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


@dataclass(frozen=True)
class SmtpTransport:
    url: str
    timeout: float

    def send(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise MailNotConfigured("SMTP_URL must be smtp://, smtp+starttls:// or smtps://user:pass@host:port")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        try:
            if parts.scheme == "smtps":
                client = smtplib.SMTP_SSL(parts.hostname, port, timeout=self.timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(parts.hostname, port, timeout=self.timeout)
            with client:
                if parts.scheme == "smtp+starttls":
                    client.starttls(context=ssl.create_default_context())
                if parts.username:
                    client.login(unquote(parts.username), unquote(parts.password or ""))
                client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, dropped, TLS failed
            raise MailError(f"{type(exc).__name__}: {exc}"[:500]) from exc


@dataclass(frozen=True)
class FolderTransport:
    """Development: the mail as a file, newest names sorting last."""

    folder: Path

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(bytes(message))


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
    """Hand ``mail`` over for delivery, or raise MailError."""
    (transport or current_transport()).send(build_message(mail, current_app.config["MAIL_FROM"]))
