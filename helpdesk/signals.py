"""The events features send each other, all in one place: one grep finds every sender and receiver.

Blinker signals, as Flask's own (``template_rendered``, ``request_finished``). A feature connects its receivers
in its ``init_app``; receivers run in the sender's transaction and only flush. Signals whose senders use the
receivers' answers say so.
"""

from blinker import Namespace

_signals = Namespace()

case_status_changed = _signals.signal("case-status-changed", doc="""\
A case's status changed. Sender: the case; ``old``, ``new`` (Status), ``actor``.""")

resolution_requested = _signals.signal("resolution-requested", doc="""\
A case is about to become resolved or closed. Sender: the case. A receiver returns why it may not (a string),
or None; any reason refuses the change.""")

text_received = _signals.signal("text-received", doc="""\
A known participant's text, before it goes onto a case. Sender: the Message. A receiver returns True when it
took the text (a survey's answer), which then goes on no case; False leaves it to the SMS filing, for an agent
(the surveys may have recorded it too: a score that comes with a question).""")

participant_opted_out = _signals.signal("participant-opted-out", doc="""\
A participant opted out of SMS. Sender: the Participant.""")
