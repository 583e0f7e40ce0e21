"""The only module that talks to Twilio's REST API: SMS gateways behind one small interface.

``send`` hands a message over; ``find_sent`` asks what was sent already (Twilio has no idempotency key, so
a send whose result went unrecorded is found this way before sending again); ``delete_recording`` deletes a
call recording (a participant's erasure, the retention purge). ``TwilioGateway`` uses the real
``twilio.rest.Client``; ``TWILIO_API_BASE_URL`` points it elsewhere (tests use a loopback fake of Twilio's
API). ``DevelopmentGateway`` only records, for machines with no account.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from requests.exceptions import ConnectTimeout
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
ACCOUNT_SID = re.compile(r"AC[0-9A-Za-z]{32}")  # as in /Accounts/AC…/Messages.json


@dataclass
class SendResult:
    """What one attempt to hand a message to the provider gave."""

    sid: str | None = None
    status: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    transient: bool = False
    # The request may have reached Twilio and the message been accepted (no answer came, or a 5xx): before it
    # is sent again, Twilio is asked whether it has it (see helpdesk.jobs.outbox).
    uncertain: bool = False


class _BaseUrlHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to ``base_url`` instead of api.twilio.com."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def _never_sent(error: OSError) -> bool:
    """No connection was made, so nothing reached Twilio (refused, or timed out while connecting)."""
    return isinstance(error, ConnectTimeout) or "NewConnectionError" in str(error)


def _without_account(text: str) -> str:
    """An error's text as it is stored: the account's SID (in URLs and some messages) left out."""
    return ACCOUNT_SID.sub("AC…", text)[:255]


class TwilioGateway:
    def __init__(self, account_sid: str, auth_token: str, base_url: str, timeout: float,
                 status_callback: str | None):
        self.client = Client(account_sid, auth_token, http_client=_BaseUrlHttpClient(base_url, timeout))
        self.client.region = self.client.edge = None  # a region or edge would rewrite the host name
        self.status_callback = status_callback

    def send(self, from_number: str, to_number: str, body: str) -> SendResult:
        extra = {"status_callback": self.status_callback} if self.status_callback else {}
        try:
            message = self.client.messages.create(to=to_number, from_=from_number, body=body, **extra)
        except TwilioRestException as exc:
            transient = exc.status >= 500 or exc.status == 429
            return SendResult(error_code=exc.code or exc.status, error_message=_without_account(str(exc.msg)),
                              transient=transient, uncertain=exc.status >= 500)
        except OSError as exc:  # connection refused, reset, timed out (requests' errors are OSErrors)
            return SendResult(error_message=_without_account(f"network: {exc}"), transient=True,
                              uncertain=not _never_sent(exc))
        return SendResult(sid=message.sid, status=message.status or "queued")

    def find_sent(self, from_number: str, to_number: str, body: str, since: datetime) -> list[SendResult] | None:
        """The messages Twilio has from ``from_number`` to ``to_number`` with this body, sent on ``since``'s day
        (UTC) or later, newest first; None when Twilio could not be asked (try again later)."""
        try:
            found = self.client.messages.list(to=to_number, from_=from_number,
                                              date_sent_after=since.astimezone(UTC).strftime("%Y-%m-%d"))
        except (TwilioException, OSError):  # an error answer, a page it could not read, the network
            return None
        return [SendResult(sid=message.sid, status=message.status) for message in found if message.body == body]


    def delete_recording(self, recording_sid: str) -> str | None:
        """Delete the recording at Twilio: None when it is gone (deleted now, or before: 404), else why not
        (try again later)."""
        try:
            self.client.recordings(recording_sid).delete()
        except TwilioRestException as exc:
            if exc.status == 404:
                return None
            return _without_account(f"Twilio answered {exc.status} ({exc.code}): {exc.msg}")
        except (TwilioException, OSError) as exc:
            return _without_account(f"network: {exc}")
        return None


class DevelopmentGateway:
    """No Twilio account: the message is only recorded, as sent, so the phone simulator can show it."""

    def send(self, from_number: str, to_number: str, body: str) -> SendResult:
        return SendResult(sid=f"SMdev{uuid.uuid4().hex}", status="sent")

    def find_sent(self, from_number: str, to_number: str, body: str, since: datetime) -> list[SendResult]:
        """Nothing leaves this machine: there is nothing to find, and sending again reaches nobody."""
        return []

    def delete_recording(self, recording_sid: str) -> str | None:
        """Without an account no recording is kept at Twilio: there is nothing to delete."""
        return None


def current_gateway():
    config = current_app.config
    if not (config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN")):
        return DevelopmentGateway()
    public = config.get("PUBLIC_BASE_URL")
    return TwilioGateway(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], config["TWILIO_API_BASE_URL"],
                         config["TWILIO_TIMEOUT"], f"{public.rstrip('/')}/twilio/sms/status" if public else None)
