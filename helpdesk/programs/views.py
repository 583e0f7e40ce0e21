from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import admin_required, manager_required
from helpdesk.cases import categories
from helpdesk.programs.forms import (
    CategoryNamesForm,
    NewCategoryForm,
    ProgramForm,
    ProgramSettingsForm,
    SpecialDaysForm,
    category_prefix,
)
from helpdesk.programs.models import DEFAULT_SLA_TARGETS, WEEKDAYS
from helpdesk.programs.services import SLA_KINDS, create_program, get_program, update_program_settings, visible_programs
from helpdesk.programs.special_days import add_special_days, remove_special_days
from helpdesk.web import change_and_return, run_change, save_form

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
            greetings=form.greetings(), on_duty_numbers=form.on_duty_numbers.data,
            retention_months=form.retention_months.data, actor=current_user)):
        flash(_("Settings saved. New deadlines apply to cases opened from now on."), "success")
        return redirect(url_for("programs.settings", code=code))
    return _settings_page(program, 422 if request.method == "POST" else 200, form=form)


@bp.post("/<code>/special-days")
@manager_required
def add_days(code):
    program = get_program(code, actor=current_user)
    form = SpecialDaysForm()
    if save_form(form, lambda: add_special_days(program, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                                hours=form.hours.data, note=form.note.data, actor=current_user)):
        flash(_("Holiday or special hours saved. SLA clocks and the hotline follow them."), "success")
        return redirect(url_for("programs.settings", code=code, _anchor="special-days"))
    return _settings_page(program, 422, days_form=form)


@bp.post("/<code>/special-days/<int:special_days_id>/remove")
@manager_required
def remove_days(code, special_days_id):
    program = get_program(code, actor=current_user)
    return change_and_return(lambda: remove_special_days(program, special_days_id, actor=current_user),
                             _("Removed: the weekly hours apply on those days again."),
                             url_for("programs.settings", code=code, _anchor="special-days"))


@bp.post("/<code>/categories")
@manager_required
def add_category(code):
    program = get_program(code, actor=current_user)
    form = NewCategoryForm()
    if save_form(form, lambda: categories.add_category(program, names=form.names(), reported_as=form.reported_as.data,
                                                       actor=current_user)):
        flash(_("Category added: agents can choose it now."), "success")
        return redirect(url_for("programs.settings", code=code, _anchor="categories"))
    return _settings_page(program, 422, category_form=form)


@bp.post("/<code>/categories/<category>")
@manager_required
def rename_category(code, category):
    program = get_program(code, actor=current_user)
    form = CategoryNamesForm(prefix=category_prefix(category))
    if save_form(form, lambda: categories.rename_category(program, category, names=form.names(),
                                                          actor=current_user)):
        flash(_("Category names saved."), "success")
        return redirect(url_for("programs.settings", code=code, _anchor="categories"))
    return _settings_page(program, 422, renamed=(category, form))


@bp.post("/<code>/categories/<category>/retired")
@manager_required
def retire_category(code, category):
    """Retire (``retired=1``) or restore the category."""
    program = get_program(code, actor=current_user)
    retired = request.form.get("retired") == "1"
    run_change(lambda: categories.set_category_retired(program, category, retired=retired, actor=current_user))
    flash(_("Category retired: it is no longer offered, and its cases keep it.") if retired
          else _("Category restored."), "success")
    return redirect(url_for("programs.settings", code=code, _anchor="categories"))


def _settings_page(program, status: int, *, form=None, days_form=None, category_form=None, renamed=(None, None)):
    """The settings page; the form that was just refused (``renamed``: a category's value and its names form)
    in place of its empty one."""
    rows = [(row, renamed[1] if row.value == renamed[0] else CategoryNamesForm.for_category(row))
            for row in categories.program_categories(program)]
    return render_template(
        "programs/settings.html", program=program, form=form or ProgramSettingsForm.for_program(program),
        days_form=days_form or SpecialDaysForm(formdata=None), categories=rows,
        category_form=category_form or NewCategoryForm(formdata=None), weekdays=WEEKDAYS,
        priorities=list(DEFAULT_SLA_TARGETS), sla_kinds=SLA_KINDS), status
