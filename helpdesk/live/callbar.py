"""A call's line in the call bar, rendered by the stream's process once per call event (and language) for all
the pages of the call's program, which then need not fetch it: at 200 open pages a fetch each would be 200
renders of the screen pop per event."""

import logging

from flask import Flask, render_template
from flask_babel import force_locale

from helpdesk.actors import SystemActor
from helpdesk.extensions import db
from helpdesk.telephony.calls import open_cases_by_participant
from helpdesk.telephony.models import CALL_LIST_LOADS, Call

log = logging.getLogger(__name__)
# The line goes only to pages of the call's own program; what its panels show is that program's.
PROGRAM = SystemActor("Call bar")


def render_call_line(app: Flask, call_id: int | None, locale: str) -> str:
    """The line, or "" when there is none to show (or it could not be made: the pages then fetch their bar)."""
    if call_id is None:
        return ""
    with app.test_request_context("/"), force_locale(locale):
        try:
            call = db.session.get(Call, call_id, options=CALL_LIST_LOADS)
            if call is None:
                return ""
            return render_template("live/_call_bar.html", calls=[call], open_cases=open_cases_by_participant([call]),
                                   actor=PROGRAM)
        except Exception:
            log.exception("the call bar's line of call %s could not be made", call_id)
            return ""
        finally:
            db.session.remove()
