"""Manager pages: the scripts, their versions (export, diff), the structured editor with preview, effectiveness."""

from datetime import timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.database import utcnow
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import choices
from helpdesk.programs.services import visible_programs
from helpdesk.scripts import bp, fileformat
from helpdesk.scripts import runner_views as _runner_views  # noqa: F401  (the case-page runner's routes and panel)
from helpdesk.scripts.checker import check_document
from helpdesk.scripts.forms import ScriptForm, form_data
from helpdesk.scripts.schema import Problem
from helpdesk.scripts.services.effectiveness import script_effectiveness
from helpdesk.scripts.services.preview import preview_steps, sample_case
from helpdesk.scripts.services.versions import (
    ScriptProblems,
    definition_of,
    diff_with_previous,
    export_name,
    get_script,
    get_version,
    latest_version,
    save_from_editor,
    versions_of,
    visible_scripts,
)
from helpdesk.validation import parse_id

DEFAULT_DAYS, MAX_DAYS = 90, 3650


@bp.route("/scripts")
@manager_required
def index():
    return render_template("scripts/index.html", scripts=visible_scripts(current_user))


@bp.route("/scripts/<int:script_id>")
@manager_required
def script_page(script_id):
    script = get_script(script_id, actor=current_user)
    return render_template("scripts/script.html", script=script, versions=versions_of(script))


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
    return _editor(get_script(script_id, actor=current_user))


def _editor(script):
    """GET: the latest version in the form. POST: preview (check and render, save nothing) or save."""
    if request.method == "GET" and script is not None:
        form = ScriptForm(data=form_data(fileformat.to_document(definition_of(latest_version(script)))))
    else:
        form = ScriptForm()
    form.program.choices = choices([("all", "All programs"),
                                    *((p.code, f"{p.name} ({p.code})") for p in visible_programs(current_user))])
    if script is not None:
        form.key.data, form.locale.data = script.key, script.locale
    problems, preview, case, status = [], None, None, 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            document = form.to_document()
            if "save" in request.form:
                try:
                    version = save_from_editor(document, actor=current_user, script=script)
                except ScriptProblems as exc:
                    db.session.rollback()
                    problems = exc.problems
                except ValidationError as exc:
                    db.session.rollback()
                    problems = [Problem((field,), message) for field, message in exc.fields.items()]
                else:
                    db.session.commit()
                    flash(f"Saved {version.script.key} ({version.script.locale}) as version {version.number}.",
                          "success")
                    return redirect(url_for("scripts.script_page", script_id=version.script_id))
            definition, found = check_document(document)
            problems = problems or found
            status = 422 if problems else 200
            try:
                case = sample_case(form.sample.data, category=document.get("category"), actor=current_user)
            except ValidationError as exc:
                problems = [*problems, Problem(("sample",), exc.fields["sample"])]
            preview = preview_steps(definition, case, current_user) if definition else None
    for problem in problems:
        field = form.field_for(problem.path)
        if field is not None:
            field.errors = [*field.errors, problem.message]
    form.pad()
    return render_template("scripts/edit.html", form=form, script=script, problems=problems, preview=preview,
                           sample=case), status


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
