"""Upload → preview → confirm, for the managers of a program.

The uploaded file is kept in ``IMPORTS_DIR`` (default: the instance folder's ``imports``) under a name that holds
the program's id, the kind and a random token, until it is imported; its rejected rows stay beside it for a week.
"""

import re
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.database import unit_of_work, utcnow
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import choices
from helpdesk.imports.engine import (
    Mapping,
    check_mapping,
    import_table,
    load_profile,
    missing_for_new,
    preview,
    recognised_mapping,
    rejected_file,
    save_profile,
    unknown_choices,
)
from helpdesk.imports.forms import UploadForm
from helpdesk.imports.kinds import KINDS
from helpdesk.imports.reading import open_table
from helpdesk.programs.models import Program
from helpdesk.programs.services import get_program, visible_programs
from helpdesk.validation import parse_id
from helpdesk.web import apply_field_errors

bp = Blueprint("imports", __name__, url_prefix="/imports")

UPLOAD_NAME = re.compile(r"^(\d+)-(participants|orders|codes)-[0-9a-f]{32}\.(csv|xlsx)$")
KEEP_DAYS = 7


def imports_dir() -> Path:
    return Path(current_app.config.get("IMPORTS_DIR") or Path(current_app.instance_path) / "imports")


@bp.route("/", methods=["GET", "POST"])
@manager_required
def upload():
    form = UploadForm(kind=request.args.get("kind"))
    form.program.choices = choices((p.code, f"{p.name} ({p.code})") for p in visible_programs(current_user))
    if form.validate_on_submit():
        program = get_program(form.program.data, actor=current_user)
        filename = (form.file.data.filename or "").lower()
        extension = "xlsx" if filename.endswith(".xlsx") else ("xlsm" if filename.endswith((".xlsm", ".xls"))
                                                               else "csv")
        if extension == "xlsm":
            apply_field_errors(form, ValidationError("file", _("is a workbook with macros or in an old Excel "
                                                               "format: save it as .xlsx or CSV")))
        else:
            imports_dir().mkdir(parents=True, exist_ok=True)
            _prune()
            name = f"{program.id}-{form.kind.data}-{secrets.token_hex(16)}.{extension}"
            form.file.data.save(imports_dir() / name)
            return redirect(url_for("imports.review", upload=name), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", form=form), status


@bp.route("/<upload>", methods=["GET", "POST"])
@manager_required
def review(upload):
    """The preview (GET, or POST ``action=preview`` with a changed mapping) and the import (``action=confirm``)."""
    program, kind, path = _upload(upload)
    sheet = request.form.get("sheet") or None
    try:
        with path.open("rb") as stream:
            table = open_table(stream, upload, sheet=sheet)
            try:
                mapping = (_posted_mapping(kind, table.header) if request.method == "POST"
                           else recognised_mapping(kind, table.header, load_profile(program, kind)))
                if request.form.get("action") == "confirm":
                    return _confirm(program, kind, upload, table, mapping)
                rows, problems = preview(kind, program, table, mapping)
            finally:
                table.close()
            stream.seek(0)
            words_table = open_table(stream, upload, sheet=sheet)
            try:
                unknown = unknown_choices(kind, words_table, mapping)
            finally:
                words_table.close()
    except ValidationError as exc:
        return render_template("imports/refused.html", program=program, kind=kind, error=exc), 422
    return render_template("imports/preview.html", program=program, kind=kind, upload=upload, table=table,
                           mapping=mapping, rows=rows, problems=problems, words=_words(kind, mapping, unknown),
                           missing=missing_for_new(kind, mapping))


def _words(kind, mapping: Mapping, unknown: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """Per choice field, the file's words to map: those mapped already (the profile's, the form's), then the
    unknown ones."""
    words = {}
    for name in kind.choices:
        chosen = list(mapping.choices.get(name, {}).items()) + [(word, "") for word in unknown.get(name, [])]
        if chosen:
            words[name] = chosen
    return words


def _confirm(program: Program, kind, upload: str, table, mapping: Mapping):
    check_mapping(kind, table.header, mapping)  # refused whole, before anything is written
    rejected_path = imports_dir() / f"{upload}.rejected.csv"
    rejected = rejected_file(rejected_path)
    try:
        summary = import_table(kind, program, table, mapping, actor=current_user, rejected=rejected,
                               source=f"upload {upload.split('-')[1]} file"[:160])
    finally:
        rejected.close()
    with unit_of_work():
        save_profile(program, kind, table.header, mapping, actor=current_user)
    (imports_dir() / upload).unlink(missing_ok=True)
    return render_template("imports/done.html", program=program, kind=kind, summary=summary, upload=upload,
                           rejected=rejected.written)


def _posted_mapping(kind, header: list[str]) -> Mapping:
    columns = {number: request.form.get(f"column-{number}", "") for number in range(len(header))}
    words = {}
    for name in kind.choices:
        for index in range(100):
            word = request.form.get(f"word-{name}-{index}")
            if word is None:
                break
            value = request.form.get(f"value-{name}-{index}", "")
            if value in {member.value for member in kind.choices[name][0]}:
                words.setdefault(name, {})[word] = value
    return Mapping({number: name for number, name in columns.items() if name}, words)


@bp.route("/<upload>/rejected.csv")
@manager_required
def rejected_rows(upload):
    program, kind, _path = _upload(upload, must_exist=False)
    path = imports_dir() / f"{upload}.rejected.csv"
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"rejected-{kind.name}.csv")


def _upload(upload: str, must_exist: bool = True):
    """The program, kind and path of an upload of one of the manager's programs, else 404."""
    match = UPLOAD_NAME.match(upload)
    program_id = parse_id(match.group(1)) if match else None
    program = db.session.get(Program, program_id) if program_id else None
    if program is None or program.id not in {p.id for p in visible_programs(current_user)}:
        abort(404)
    path = imports_dir() / upload
    if must_exist and not path.is_file():
        abort(404)
    return program, KINDS[match.group(2)], path


def _prune() -> None:
    cutoff = (utcnow() - timedelta(days=KEEP_DAYS)).timestamp()
    for old in imports_dir().iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
