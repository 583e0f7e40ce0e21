"""How surveys plug into the rest of the app: case status changes, inbound texts, opt-outs, script runs.

``register_hooks`` is called once when the views are imported (by create_app); adding twice is harmless.
"""

from helpdesk.actors import Actor
from helpdesk.cases import services as case_services
from helpdesk.cases.models import Case, Status
from helpdesk.participants.models import Participant
from helpdesk.signals import participant_opted_out, text_received
from helpdesk.surveys.answers import take_reply
from helpdesk.surveys.scheduling import cancel_pending, schedule_survey, script_version_sources
from helpdesk.surveys.script_link import latest_script_version


def on_case_status(case: Case, old: Status, new: Status, actor: Actor) -> None:
    """Resolved: a survey is scheduled (or skipped). Reopened before it went out: it is cancelled."""
    if new == Status.RESOLVED:
        schedule_survey(case)
    elif old == Status.RESOLVED and new.is_open:
        cancel_pending(case=case, reason="reopened")


def on_opt_out(participant: Participant) -> None:
    cancel_pending(participant=participant, reason="opted_out")


def register_hooks() -> None:
    text_received.connect(take_reply)
    participant_opted_out.connect(on_opt_out)
    for hooks, hook in ((case_services.status_listeners, on_case_status),
                        (script_version_sources, latest_script_version)):
        if hook not in hooks:
            hooks.append(hook)
