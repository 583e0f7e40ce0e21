"""Staff pages for API tokens: managers issue, list and revoke the tokens of their programs, admins every token.
A new token's secret is shown on the page that answers its creation, once."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.api.forms import ALL_PROGRAMS, TokenForm
from helpdesk.api.services import create_api_token, list_api_tokens, revoke_api_token
from helpdesk.auth.access import manager_required
from helpdesk.database import unit_of_work, utcnow
from helpdesk.forms import choices
from helpdesk.programs.services import visible_programs
from helpdesk.web import save_form

bp = Blueprint("api_tokens", __name__)


def _token_form() -> TokenForm:
    form = TokenForm()
    programs = visible_programs(current_user)
    everything = [(ALL_PROGRAMS, _("All programs"))] if current_user.visible_program_ids() is None else []
    form.program.choices = choices(everything + [(p.code, f"{p.name} ({p.code})") for p in programs])
    return form


def _render(form: TokenForm, *, plain: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=list_api_tokens(actor=current_user), now=utcnow(),
                           plain=plain), status


@bp.route("/api-tokens")
@manager_required
def index():
    return _render(_token_form())


@bp.post("/api-tokens")
@manager_required
def create():
    form = _token_form()
    programs = {p.code: p for p in visible_programs(current_user)}
    created = save_form(form, lambda: create_api_token(
        form.name.data, programs.get(form.program.data), expires_in_days=form.expires_in_days.data,
        actor=current_user))
    if created is None:
        return _render(form, status=422)
    body, status = _render(_token_form(), plain=created[1], status=201)
    return body, status, {"Cache-Control": "no-store"}  # the secret stays in no cache


@bp.post("/api-tokens/<int:token_id>/revoke")
@manager_required
def revoke(token_id):
    with unit_of_work():
        token = revoke_api_token(token_id, actor=current_user)
    flash(_("API token “%(name)s” revoked: it is refused from now on.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
