from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.conversations.forms import ConversationSettingsForm
from helpdesk.conversations.settings import NOTICES, rules_for, update_conversation_settings
from helpdesk.programs.models import LOCALES
from helpdesk.programs.services import get_program
from helpdesk.web import save_form

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
