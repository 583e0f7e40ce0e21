"""The live stream (Server-Sent Events) and the small pages a live page fetches when an event names them."""

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from helpdesk.cases.queues import CaseFilters, count_capped
from helpdesk.cases.services import get_case, staff_names, timeline
from helpdesk.cases.views import BADGE_QUEUES
from helpdesk.extensions import db
from helpdesk.live.callbar import render_call_line
from helpdesk.live.feed import RESYNC, events_after
from helpdesk.live.stream import BUSY, Stream
from helpdesk.telephony.calls import call_bar_calls, open_cases_by_participant
from helpdesk.validation import parse_id

bp = Blueprint("live", __name__, url_prefix="/live")


@bp.route("/events")
def events():
    """``text/event-stream`` of the changes in the user's programs: ``call`` events with the call's line of the call
    bar, ``case`` events with ids only (the case page fetches its new timeline entries), ``refresh`` when the page
    should reload what it shows. Resumes after ``Last-Event-ID``."""
    hub = current_app.extensions["live_hub"]
    if hub.subscribers >= current_app.config["LIVE_MAX_STREAMS"]:
        return Response(BUSY, mimetype="text/event-stream", headers={"Cache-Control": "no-cache"})
    stream = Stream(hub, current_user.visible_program_ids())  # subscribed from now
    app, locale = current_app._get_current_object(), str(get_locale())
    stream.render_call_line = lambda event: hub.memo(("call", event.id, locale),
                                                     lambda: render_call_line(app, event.call_id, locale))
    last_id = parse_id(request.headers.get("Last-Event-ID") or "")
    if last_id is not None:
        missed = events_after(db.session.connection(), last_id)
        stream.backlog = [RESYNC] if missed is None else missed
    db.session.remove()  # the stream holds no database connection while it waits
    return Response(stream, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@bp.route("/calls")
def call_bar():
    """The call bar's content: ringing, answered and just-ended calls with their screen pop."""
    calls = call_bar_calls(actor=current_user)
    return render_template("live/_call_bar.html", calls=calls, open_cases=open_cases_by_participant(calls),
                           actor=current_user)


@bp.route("/cases/<int:case_id>/timeline")
def timeline_entries(case_id):
    """The case's timeline entries after ``after`` (an entry id), as the case page renders them."""
    case = get_case(case_id, actor=current_user)
    after = parse_id(request.args.get("after", "")) or 0
    events = timeline(case, after_id=after)
    return render_template("cases/_timeline_entries.html", case=case, events=events, names=staff_names(events))


@bp.route("/queues/counts")
def queue_counts():
    return jsonify({name: count_capped(name, CaseFilters(), actor=current_user) for name in BADGE_QUEUES})
