from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import admin_required, manager_required
from helpdesk.programs.forms import ProgramForm, ProgramSettingsForm
from helpdesk.programs.models import DEFAULT_SLA_TARGETS, WEEKDAYS
from helpdesk.programs.services import SLA_KINDS, create_program, get_program, update_program_settings, visible_programs
from helpdesk.web import save_form

bp = Blueprint("programs", __name__, url_prefix="/programs")


@bp.route("/")
@manager_required
def index():
    return render_template("programs/index.html", programs=visible_programs(current_user), form=ProgramForm())


@bp.route("/", methods=["POST"])
@admin_required
def create():
    form = ProgramForm()
    code = save_form(form, lambda: create_program(
        code=form.code.data, name=form.name.data, hotline_number=form.hotline_number.data,
        timezone=form.timezone.data, locale=form.locale.data, actor=current_user).code)
    if code is not None:
        flash(_("Program %(code)s created.", code=code), "success")
        return redirect(url_for("programs.settings", code=code))
    return render_template("programs/index.html", programs=visible_programs(current_user), form=form), 422


@bp.route("/<code>/settings", methods=["GET", "POST"])
@manager_required
def settings(code):
    program = get_program(code, actor=current_user)
    form = ProgramSettingsForm.for_program(program, formdata=request.form if request.method == "POST" else None)
    if save_form(form, lambda: update_program_settings(
            program, name=form.name.data, hotline_number=form.hotline_number.data, timezone=form.timezone.data,
            locale=form.locale.data, business_hours=form.business_hours(), sla_targets=form.sla_targets(),
            greetings=form.greetings(), on_duty_numbers=form.on_duty_numbers.data, actor=current_user)):
        flash(_("Settings saved. New deadlines apply to cases opened from now on."), "success")
        return redirect(url_for("programs.settings", code=code))
    status = 422 if request.method == "POST" else 200
    return render_template("programs/settings.html", program=program, form=form, weekdays=WEEKDAYS,
                           priorities=list(DEFAULT_SLA_TARGETS), sla_kinds=SLA_KINDS), status
