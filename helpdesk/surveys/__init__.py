"""Satisfaction by SMS after every resolved case: scheduling, dispatch through the SMS outbox, replies.

The blueprint's routes live in views.py, imported by create_app; importing it also attaches the hooks
(case status changes, inbound texts, opt-outs) from hooks.py.
"""

from flask import Blueprint

bp = Blueprint("surveys", __name__)
