"""How surveys plug into the rest of the app: receivers of case status changes, inbound texts and opt-outs.

The surveys ``init_app`` connects them to the signals of :mod:`helpdesk.signals`; connecting again is harmless.
"""

from helpdesk.actors import Actor
from helpdesk.cases.models import Case, Status
from helpdesk.participants.models import Participant
from helpdesk.surveys.answers import confirm_opt_out
from helpdesk.surveys.scheduling import cancel_pending, schedule_survey


def on_case_status(case: Case, *, old: Status, new: Status, actor: Actor) -> None:
    """Resolved: a survey is scheduled (or skipped). Reopened before it went out: it is cancelled."""
    if new == Status.RESOLVED:
        schedule_survey(case)
    elif old == Status.RESOLVED and new.is_open:
        cancel_pending(case=case, reason="reopened")


def on_opt_out(participant: Participant) -> None:
    cancel_pending(participant=participant, reason="opted_out")
    confirm_opt_out(participant)
