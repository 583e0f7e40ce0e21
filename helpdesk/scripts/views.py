"""Manager pages: the scripts, their versions (export, diff), the structured editor with preview, effectiveness."""

from dataclasses import replace
from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.database import unit_of_work, utcnow
from helpdesk.errors import ValidationError
from helpdesk.forms import choices
from helpdesk.programs.services import visible_programs
from helpdesk.scripts import fileformat
from helpdesk.scripts.forms import QUESTION_LABELS, ScriptForm, form_data, invalid_fields
from helpdesk.scripts.schema import Problem
from helpdesk.scripts.services.effectiveness import script_effectiveness
from helpdesk.scripts.services.preview import live_preview, merge_examples
from helpdesk.scripts.services.versions import (
    ScriptProblems,
    copy_script,
    definition_of,
    diff_with_previous,
    editable_script,
    export_name,
    get_script,
    get_version,
    latest_version,
    may_change_shared,
    save_from_editor,
    versions_of,
    visible_scripts,
)
from helpdesk.validation import parse_id
from helpdesk.web import run_change

bp = Blueprint("scripts", __name__)

DEFAULT_DAYS, MAX_DAYS = 90, 3650


@bp.route("/scripts")
@manager_required
def index():
    return render_template("scripts/index.html", scripts=visible_scripts(current_user),
                           may_change_shared=may_change_shared(current_user))


@bp.route("/scripts/<int:script_id>")
@manager_required
def script_page(script_id):
    script = get_script(script_id, actor=current_user)
    targets = [p for p in visible_programs(current_user) if p.id != script.program_id]
    return render_template("scripts/script.html", script=script, versions=versions_of(script), targets=targets,
                           may_change_shared=may_change_shared(current_user))


@bp.route("/scripts/<int:script_id>/copy", methods=["POST"])
@manager_required
def copy(script_id):
    """A copy of the script for one of the manager's programs, opened in the editor."""
    script = get_script(script_id, actor=current_user)
    try:
        with unit_of_work():
            version = copy_script(script, request.form.get("program", ""), actor=current_user)
    except ValidationError as exc:
        flash(_("Not copied: %(reason)s.", reason="; ".join(exc.fields.values())), "error")
        return redirect(url_for("scripts.script_page", script_id=script_id))
    flash(_("Copied into %(program)s as %(key)s (%(locale)s); change it here.", program=version.script.program_label,
            key=version.script.key, locale=version.script.locale), "success")
    return redirect(url_for("scripts.edit", script_id=version.script_id))


@bp.route("/scripts/<int:script_id>/versions/<int:number>/export")
@manager_required
def export(script_id, number):
    version = get_version(get_script(script_id, actor=current_user), number)
    return Response(version.source, mimetype="text/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{export_name(version)}"'})


@bp.route("/scripts/<int:script_id>/versions/<int:number>/diff")
@manager_required
def diff(script_id, number):
    version = get_version(get_script(script_id, actor=current_user), number)
    return render_template("scripts/diff.html", version=version, lines=diff_with_previous(version))


@bp.route("/scripts/new", methods=["GET", "POST"])
@manager_required
def new():
    return _editor(None)


@bp.route("/scripts/<int:script_id>/edit", methods=["GET", "POST"])
@manager_required
def edit(script_id):
    return _editor(editable_script(script_id, actor=current_user))


def _saved(version) -> tuple[int, str]:
    return version.script_id, f"{version.script.key} ({version.script.locale}) as version {version.number}"


def _editor(script):
    """GET: the latest version in the form. POST: preview (check and render, save nothing) or save."""
    if request.method == "GET" and script is not None:
        form = _script_form(data=form_data(fileformat.to_document(definition_of(latest_version(script)))))
    else:
        form = _script_form()
    if script is not None:
        form.key.data, form.locale.data = script.key, script.locale
    live, status = None, 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            problems = []
            if "save" in request.form:
                done = run_change(lambda: _saved(save_from_editor(form.to_document(), actor=current_user,
                                                                  script=script)))
                if isinstance(done.error, ScriptProblems):
                    problems = done.error.problems
                elif done.error is not None:  # a ValidationError: saving raises no Conflict
                    problems = [Problem((field,), message) for field, message in done.error.fields.items()]
                else:
                    script_id, saved = done.result
                    flash(_("Saved %(version)s.", version=saved), "success")
                    return redirect(url_for("scripts.script_page", script_id=script_id))
            live = live_preview(form.to_document(), form.sample.data, actor=current_user, problems=problems)
            status = 422 if live.problems else 200
    if live is None:
        live = merge_examples(form.sample.data, category=form.category.data, actor=current_user)
    for problem in live.problems:
        field = form.field_for(problem.path)
        if field is not None:
            field.errors = [*field.errors, problem.message]
    form.pad()
    return render_template("scripts/edit.html", form=form, script=script, live=live,
                           question_labels=QUESTION_LABELS), status


@bp.route("/scripts/preview", methods=["POST"])
@manager_required
def preview():
    """The editor's preview, problems and merge-field examples as a fragment, fetched while the manager types.

    Rendered exactly as the editor's Preview button renders them; nothing is saved."""
    form = _script_form()
    if form.validate_on_submit():
        live = live_preview(form.to_document(), form.sample.data, actor=current_user)
    else:  # a value the form refuses before the checks run, e.g. text over its length limit
        live = replace(merge_examples(form.sample.data, category=form.category.data, actor=current_user),
                       problems=[Problem((str(field.label.text),), message) for field, message in invalid_fields(form)])
    return (render_template("scripts/_live.html", form=form, live=live, question_labels=QUESTION_LABELS),
            422 if live.problems else 200)


def _script_form(**kwargs) -> ScriptForm:
    form = ScriptForm(**kwargs)
    shared = [("all", _("All programs"))] if may_change_shared(current_user) else []
    programs = [(p.code, f"{p.name} ({p.code})") for p in visible_programs(current_user)]
    form.program.choices = choices([*shared, *programs])
    return form


@bp.route("/scripts/effectiveness")
@manager_required
def effectiveness():
    days = min(parse_id(request.args.get("days")) or DEFAULT_DAYS, MAX_DAYS)
    script_id = parse_id(request.args.get("script"))
    script = get_script(script_id, actor=current_user) if script_id else None
    figures = script_effectiveness(actor=current_user, since=utcnow() - timedelta(days=days),
                                   script_id=script.id if script else None)
    return render_template("scripts/effectiveness.html", figures=figures, days=days, script=script,
                           scripts=visible_scripts(current_user))
