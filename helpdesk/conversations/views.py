from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.conversations.canned import (
    canned_replies,
    delete_canned_reply,
    get_canned_reply,
    replies_for_case,
    save_canned_reply,
)
from helpdesk.conversations.forms import CannedReplyForm, ConversationSettingsForm
from helpdesk.conversations.settings import NOTICES, rules_for, update_conversation_settings
from helpdesk.programs.models import LOCALES
from helpdesk.programs.services import get_program
from helpdesk.scripts.merge_fields import available_fields
from helpdesk.surveys.forms import LANGUAGES
from helpdesk.telephony.conversation import reply_number
from helpdesk.telephony.segments import MAX_MESSAGE, count_segments
from helpdesk.web import change_and_return, save_form

bp = Blueprint("conversations", __name__)


@bp.route("/programs/<code>/conversations", methods=["GET", "POST"])
@manager_required
def settings(code):
    program = get_program(code, actor=current_user)
    rules = rules_for(program)
    form = ConversationSettingsForm(data={
        "reopen_days": rules.reopen_window.days, "survey_wait_days": rules.survey_wait.days,
        **{f"acknowledge_{locale}": locale in rules.acknowledge for locale in LOCALES},
        **{f"notify_{name}": name in rules.notices for name in NOTICES}})
    if save_form(form, lambda: update_conversation_settings(
            program, reopen_days=form.reopen_days.data, acknowledge=form.acknowledge(), notices=form.notices(),
            survey_wait_days=form.survey_wait_days.data, actor=current_user)):
        flash(_("Conversation settings saved."), "success")
        return redirect(url_for("conversations.settings", code=program.code))
    status = 422 if request.method == "POST" else 200
    return render_template("conversations/settings.html", program=program, form=form), status


def canned_panel(case, actor):
    """The canned-reply picker beside the reply box: the program's replies filled in for the case, when there are
    any and someone to text."""
    if reply_number(case)[0] is None:
        return None
    language, own, others = replies_for_case(case, actor)
    return {"language": language, "own": own, "others": others, "languages": LANGUAGES} if own or others else None


@bp.route("/programs/<code>/canned-replies", methods=["GET", "POST"])
@manager_required
def canned(code):
    """The program's canned replies, and the form to add one."""
    program = get_program(code, actor=current_user)
    form = CannedReplyForm(data={"language": program.locale})
    if save_form(form, lambda: save_canned_reply(program, None, title=form.title.data, language=form.language.data,
                                                 body=form.body.data, actor=current_user)):
        flash(_("Canned reply added."), "success")
        return redirect(url_for("conversations.canned", code=code))
    return _canned_page("conversations/canned.html", program, form, replies=canned_replies(program))


@bp.route("/programs/<code>/canned-replies/<int:canned_id>", methods=["GET", "POST"])
@manager_required
def edit_canned(code, canned_id):
    program = get_program(code, actor=current_user)
    reply = get_canned_reply(program, canned_id, actor=current_user)
    form = CannedReplyForm(obj=reply)
    if save_form(form, lambda: save_canned_reply(program, canned_id, title=form.title.data, language=form.language.data,
                                                 body=form.body.data, actor=current_user)):
        flash(_("Canned reply saved."), "success")
        return redirect(url_for("conversations.canned", code=code))
    return _canned_page("conversations/canned_edit.html", program, form, reply=reply)


@bp.post("/programs/<code>/canned-replies/<int:canned_id>/delete")
@manager_required
def delete_canned(code, canned_id):
    program = get_program(code, actor=current_user)
    return change_and_return(lambda: delete_canned_reply(program, canned_id, actor=current_user),
                             _("Canned reply deleted."), url_for("conversations.canned", code=code))


def _canned_page(template: str, program, form, **context):
    return render_template(template, program=program, form=form, languages=LANGUAGES, fields=available_fields(),
                           count_segments=count_segments, max_message=MAX_MESSAGE, **context), \
        422 if request.method == "POST" else 200
