"""The hotline on Twilio. Two blueprints: staff pages (live calls, call log, simulator) and Twilio's webhooks.

Nothing outside this package imports ``twilio``; the rest of the app calls ``send_sms`` from ``outbox``.
"""

from flask import Blueprint

bp = Blueprint("telephony", __name__)
webhooks_bp = Blueprint("twilio", __name__, url_prefix="/twilio")
