from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import select

from helpdesk.audit.services import record
from helpdesk.auth.access import manager_required
from helpdesk.auth.forms import LoginForm, UserForm
from helpdesk.auth.models import Role, User
from helpdesk.auth.services import check_may_manage, create_user, list_users, update_user
from helpdesk.auth.signin import check_credentials, record_attempt
from helpdesk.database import unit_of_work
from helpdesk.extensions import db, login_manager
from helpdesk.forms import choices
from helpdesk.i18n import LANGUAGES
from helpdesk.programs.models import Program
from helpdesk.programs.services import visible_programs
from helpdesk.web import save_form

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The user whose current session token the session or remember-me cookie carries (see User.get_id)."""
    return db.session.scalar(select(User).where(User.session_token == session_token, User.active.is_(True)))


@user_loaded_from_cookie.connect
def bind_restored_session(app, user: User) -> None:
    """A session the remember-me cookie restored is bound to this browser like a sign-in's: without that,
    strong session protection found no binding at the next request and ended the session and the cookie."""
    login_user(user, fresh=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never redirect a fresh login to another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("cases.queue")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.queue"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = check_credentials(form.email.data, form.password.data, address=request.remote_addr)
        with unit_of_work():
            outcome = record_attempt(attempt)
        if outcome.user is not None:
            login_user(outcome.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(outcome.message)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Signing out ends every session of the user, on every device, remember-me cookies included."""
    with unit_of_work():
        current_user.end_sessions()
        record("auth.signed_out", actor=current_user, target=current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@login_required
def set_language():
    """The navbar's language buttons: the user's UI language from now on, on every device."""
    language = request.form.get("language")
    if language not in LANGUAGES:
        abort(400)
    with unit_of_work():
        current_user.language = language
    return redirect(_safe_next(request.form.get("next")))


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user, data={"programs": [p.id for p in user.programs]} if user else None)
    form.programs.choices = choices((p.id, f"{p.name} ({p.code})") for p in visible_programs(current_user))
    if current_user.role != Role.ADMIN:  # a manager invites agents only
        form.role.choices = choices([(Role.AGENT.value, Role.AGENT.label)])
    return form


def _chosen_programs(form) -> list[Program]:
    chosen = set(form.programs.data or [])
    return [p for p in visible_programs(current_user) if p.id in chosen]


def _managed_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    check_may_manage(user, actor=current_user)
    return user


@bp.route("/users")
@manager_required
def users():
    return render_template("auth/users.html", users=list_users(actor=current_user))


@bp.route("/users/new", methods=["GET", "POST"])
@manager_required
def new_user():
    form = _user_form()
    email = save_form(form, lambda: create_user(email=form.email.data, name=form.name.data, role=form.role.data,
                                                password=form.password.data, programs=_chosen_programs(form),
                                                actor=current_user, phone=form.phone.data).email)
    if email is not None:
        flash(_("User %(email)s created.", email=email), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@manager_required
def edit_user(user_id):
    user = _managed_user(user_id)
    form, email, own = _user_form(user), user.email, user.id == current_user.id
    if save_form(form, lambda: update_user(user, name=form.name.data, role=form.role.data, active=form.active.data,
                                           programs=_chosen_programs(form), password=form.password.data,
                                           actor=current_user, phone=form.phone.data)):
        if own:
            login_user(user)  # a new password of one's own ends one's other sessions, not this one
        flash(_("User %(email)s saved.", email=email), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@manager_required
def sign_out_everywhere(user_id):
    user = _managed_user(user_id)
    email = user.email
    with unit_of_work():
        user.end_sessions()
        record("user.signed_out_everywhere", actor=current_user, target=user)
    flash(_("%(email)s is signed out everywhere.", email=email), "success")
    return redirect(url_for("auth.users"))
