"""The code look-up page (where the search box sends an exact code) and recording a code on a case."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from helpdesk.actors import Actor
from helpdesk.cases.models import Case
from helpdesk.cases.search import clean_query
from helpdesk.cases.services import get_case
from helpdesk.codes.forms import CaseCodeForm
from helpdesk.codes.models import Code
from helpdesk.codes.services import MAX_VALUE, code_key, look_up_code, record_case_code
from helpdesk.database import lock_row
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.web import run_change

bp = Blueprint("codes", __name__, url_prefix="/codes")


@bp.route("/lookup")
def lookup():
    query = clean_query(request.args.get("q"))[:MAX_VALUE]
    found = look_up_code(query, current_user.visible_program_ids()) if query else None
    programs = {p.id: p for p in db.session.scalars(select(Program))} if found else {}
    return render_template("codes/lookup.html", query=query, found=found, programs=programs)


@bp.route("/cases/<int:case_id>", methods=["POST"])
def record(case_id):
    get_case(case_id, actor=current_user)
    form = CaseCodeForm()
    if form.validate_on_submit():
        done = run_change(lambda: record_case_code(lock_row(Case, Case.id == case_id), form.value.data,
                                                   actor=current_user))
        if done.error is not None:
            flash(_("Not recorded: %(reason)s", reason=done.error.message), "error")
    else:
        flash(_("Not recorded: the code is required (at most %(max)s characters)", max=MAX_VALUE), "error")
    return redirect(url_for("cases.case_page", case_id=case_id, _anchor="code"), 303)


def code_reference_url(query: str, actor: Actor) -> str | None:
    """A code of the register typed in the search box opens its look-up."""
    key = code_key(query)
    if not key or len(key) > MAX_VALUE:
        return None
    visible = actor.visible_program_ids()
    stmt = select(Code.id).where(Code.key == key)
    if visible is None:
        visible = db.session.scalars(select(Program.id)).all()
    found = db.session.scalar(stmt.where(Code.program_id.in_(visible)).limit(1))
    return url_for("codes.lookup", q=query) if found is not None else None
