from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import admin_required, manager_required
from helpdesk.cases.categories import program_categories
from helpdesk.cases.models import Case
from helpdesk.cases.services import assignable_users, get_case
from helpdesk.database import lock_row
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import choices
from helpdesk.jobs.outbox import deliver_now
from helpdesk.programs.models import LOCALES
from helpdesk.programs.services import get_program, visible_programs
from helpdesk.telephony import simulator
from helpdesk.telephony.attention import parked_texts, retry_parked_text
from helpdesk.telephony.calls import (
    call_log,
    get_call,
    live_calls,
    open_cases_by_participant,
    parse_call_filters,
    take_call,
)
from helpdesk.telephony.conversation import case_messages, reply_number, send_reply
from helpdesk.telephony.forms import PhoneMenuOptionForm, SimulatorForm, SmsReplyForm
from helpdesk.telephony.menu import (
    phone_menu,
    remove_menu_option,
    save_menu_option,
    spoken,
    unwritten,
    what_callers_hear,
)
from helpdesk.telephony.models import Call, Message
from helpdesk.telephony.segments import MAX_MESSAGE, MAX_REPLY
from helpdesk.web import change_and_return, run_change, save_form

bp = Blueprint("telephony", __name__)


def sms_panel(case, actor):
    """The conversation by SMS and the reply box, disabled with the reason when there is no one to text."""
    number, reason = reply_number(case)
    return {"messages": case_messages(case), "number": number, "reason": reason, "form": SmsReplyForm(prefix="sms"),
            "max_message": MAX_MESSAGE, "max_reply": MAX_REPLY}


@bp.route("/calls/live")
def live():
    return render_template("telephony/live.html")


@bp.route("/calls/live/panel")
def live_panel():
    """The live-calls list alone, fetched every few seconds by the live page."""
    calls = live_calls(actor=current_user)
    return render_template("telephony/_live_panel.html", calls=calls, open_cases=open_cases_by_participant(calls))


@bp.post("/calls/<int:call_id>/take")
def take(call_id):
    get_call(call_id, actor=current_user)
    done = run_change(lambda: take_call(lock_row(Call, Call.id == call_id), actor=current_user).case_id)
    if done.error is not None:
        flash(_("Not taken: %(reason)s", reason=done.error.message), "error")
    return redirect(url_for("cases.case_page", case_id=done.result) if done.result else url_for("telephony.live"))


@bp.route("/calls")
def log():
    programs = visible_programs(current_user)
    try:
        filters = parse_call_filters(request.args, {p.code: p for p in programs})
        page = call_log(filters, actor=current_user, cursor=request.args.get("cursor"))
    except ValidationError as exc:
        flash(_("Filter %(reason)s", reason=exc.message), "error")
        return redirect(url_for("telephony.log"))
    agents = sorted({u.id: u for p in programs for u in assignable_users(p)}.values(), key=lambda u: u.name)
    return render_template("telephony/log.html", page=page, programs=programs, filters=filters, agents=agents)


@bp.post("/cases/<int:case_id>/sms")
def reply(case_id):
    """The one reply to the participant: a text through the outbox, sent at once; its status shows on the
    timeline."""
    get_case(case_id, actor=current_user)
    form = SmsReplyForm(prefix="sms")
    if not form.validate_on_submit():
        flash(_("Not sent: %(reason)s", reason="; ".join(form.body.errors) or _("type the reply first.")), "error")
        return redirect(url_for("cases.case_page", case_id=case_id) + "#sms")
    # Recorded (committed) before the provider is asked: nothing sent goes unrecorded.
    done = run_change(lambda: [m.id for m in send_reply(lock_row(Case, Case.id == case_id), form.body.data,
                                                        actor=current_user)])
    if done.error is not None:
        flash(_("Not sent: %(reason)s", reason=done.error.message), "error")
        return redirect(url_for("cases.case_page", case_id=case_id) + "#sms")
    failed = [message_id for message_id in done.result if deliver_now(message_id) == "failed"]
    if failed:
        flash(_("The text could not be sent: %(reason)s",
                reason=db.session.get(Message, failed[0]).failure_for_agents), "error")
    else:
        flash(_("Reply sent by SMS."), "success")
    return redirect(url_for("cases.case_page", case_id=case_id) + "#sms")


@bp.route("/simulator", methods=["GET", "POST"])
@admin_required
def phone_simulator():
    """Development only: play a caller or texter against the real webhooks, signed like Twilio does."""
    if not current_app.config.get("DEVELOPMENT"):
        abort(404)
    form = SimulatorForm()
    form.program.choices = choices((p.code, f"{p.name} {p.hotline_number}") for p in visible_programs(current_user))
    exchanges = []
    if form.validate_on_submit():
        action = request.form.get("action", "")
        exchanges = simulator.run(action, form, session)
    replies = simulator.replies_to(form.from_number.data) if form.from_number.data else []
    return render_template("telephony/simulator.html", form=form, exchanges=exchanges, replies=replies,
                           actions=simulator.ACTIONS)


@bp.route("/attention")
@admin_required
def needs_attention():
    return render_template("telephony/attention.html", texts=parked_texts())


@bp.post("/attention/texts/<int:message_id>/retry")
@admin_required
def retry_text(message_id):
    return change_and_return(lambda: retry_parked_text(message_id),
                             _("The text will be filed again at the worker's next pass."),
                             url_for("telephony.needs_attention"))


@bp.route("/programs/<code>/phone-menu", methods=["GET", "POST"])
@manager_required
def phone_menu_page(code):
    """The program's phone menu as callers hear it, and a new option (POST)."""
    program = get_program(code, actor=current_user)
    form = PhoneMenuOptionForm(program)
    if save_form(form, lambda: save_menu_option(program, None, **form.fields(), actor=current_user).digit):
        flash(_("Option added. Callers hear it from their next call."), "success")
        return redirect(url_for("telephony.phone_menu_page", code=code))
    options = phone_menu(program.id)
    return render_template("telephony/phone_menu.html", program=program, options=options, form=form,
                           category_names={row.value: row.name for row in program_categories(program)},
                           heard=what_callers_hear(program, options), spoken=spoken,
                           locales=LOCALES), 422 if request.method == "POST" else 200


@bp.route("/programs/<code>/phone-menu/<digit>", methods=["GET", "POST"])
@manager_required
def phone_menu_option(code, digit):
    """One option of the menu (by its key; the standard menu's too), changed on POST."""
    program = get_program(code, actor=current_user)
    option = next((option for option in phone_menu(program.id) if option.digit == digit), None)
    if option is None:
        abort(404)
    form = PhoneMenuOptionForm(program, current=option.category_value, data={
        "digit": option.digit, "action": option.action.value, "category": option.category_value,
        "position": option.position, **{f"text_{locale}": (option.texts or {}).get(locale, "") for locale in LOCALES},
        "text_en": spoken(option, "en")})
    if save_form(form, lambda: save_menu_option(program, digit, **form.fields(), actor=current_user).digit):
        flash(_("Option saved. Callers hear it from their next call."), "success")
        return redirect(url_for("telephony.phone_menu_page", code=code))
    placeholders = {locale: unwritten(option, locale) for locale in LOCALES if locale != "en"}
    return render_template("telephony/phone_menu_option.html", program=program, option=option, form=form,
                           placeholders=placeholders), 422 if request.method == "POST" else 200


@bp.post("/programs/<code>/phone-menu/<digit>/remove")
@manager_required
def remove_phone_menu_option(code, digit):
    program = get_program(code, actor=current_user)
    return change_and_return(lambda: remove_menu_option(program, digit, actor=current_user),
                             _("Option removed. Callers no longer hear it."),
                             url_for("telephony.phone_menu_page", code=code))
