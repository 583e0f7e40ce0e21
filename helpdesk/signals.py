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

text_opened_case = _signals.signal("text-opened-case", doc="""\
A text opened a new case. Sender: the Case; ``message``: the Message.""")

cases_merged = _signals.signal("cases-merged", doc="""\
A case is being merged into another, both locked. Sender: the merged Case; ``into``: the Case it goes into.
Each receiver moves its feature's rows (calls, messages, script runs, order links) from one to the other.""")

order_status_changed = _signals.signal("order-status-changed", doc="""\
Reward orders changed status (an import, the API). Sender: the Program; ``changes``: a list of
(order id, old status, new status).""")

delivery_reshipped = _signals.signal("delivery-reshipped", doc="""\
An agent recorded that a reward was sent again. Sender: the Case; ``delivery``: its DeliveryCase.""")

survey_scheduling = _signals.signal("survey-scheduling", doc="""\
A survey is being scheduled for a resolved case. Sender: the Case. A receiver returns a moment the survey must
not go out before (it is waiting for something, such as the order's delivery), or None.""")

survey_sending = _signals.signal("survey-sending", doc="""\
A survey is being marked sent. Sender: the Survey. A receiver returns more keys the dashboard counts it under,
kept on the survey for its answer: a dict of dimension ("reward", "vendor") to a list of keys, or None.""")

participant_opted_out = _signals.signal("participant-opted-out", doc="""\
A participant opted out of SMS. Sender: the Participant.""")

timeline_written = _signals.signal("timeline-written", doc="""\
An entry was added to a case's timeline (a note, a change, a call, a text...). Sender: the case; ``kind``
(the entry's kind, a string).""")

call_changed = _signals.signal("call-changed", doc="""\
A call rang, was answered, went to voicemail or ended. Sender: the program id; ``call_id``.""")
