"""Erased participants who had opted out stay out: their number, as a keyed hash, may not come back through the
loyalty platform's sync (the number itself is not kept)."""

import hashlib
import hmac

from flask import current_app

from helpdesk.extensions import db
from helpdesk.privacy.models import ErasedPhone

ERASED_ID_PREFIX = "erased-"  # an erased participant's member id is erased-<id>


def phone_hash(program_id: int, phone: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{program_id}:{phone}".encode(), hashlib.sha256).hexdigest()


def phone_was_erased(program_id: int, phone: str | None) -> bool:
    """Whether ``phone`` was the number of an erased participant of the program who had opted out."""
    return phone is not None and db.session.get(ErasedPhone, (program_id, phone_hash(program_id, phone))) is not None
