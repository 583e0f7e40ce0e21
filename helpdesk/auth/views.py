from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from helpdesk.auth.access import admin_required
from helpdesk.auth.forms import LoginForm, UserForm
from helpdesk.auth.models import User
from helpdesk.auth.services import authenticate, create_user, list_users, update_user
from helpdesk.extensions import db, login_manager
from helpdesk.forms import choices
from helpdesk.programs.models import Program
from helpdesk.programs.services import visible_programs
from helpdesk.web import save_form

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


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
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user, data={"programs": [p.id for p in user.programs]} if user else None)
    form.programs.choices = choices((p.id, f"{p.name} ({p.code})") for p in visible_programs(current_user))
    return form


def _chosen_programs(form) -> list[Program]:
    chosen = set(form.programs.data or [])
    return [p for p in visible_programs(current_user) if p.id in chosen]


@bp.route("/users")
@admin_required
def users():
    return render_template("auth/users.html", users=list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = _user_form()
    email = save_form(form, lambda: create_user(email=form.email.data, name=form.name.data, role=form.role.data,
                                                password=form.password.data, programs=_chosen_programs(form)).email)
    if email is not None:
        flash(f"User {email} created.", "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form, email = _user_form(user), user.email
    if save_form(form, lambda: update_user(user, name=form.name.data, role=form.role.data, active=form.active.data,
                                           programs=_chosen_programs(form), password=form.password.data,
                                           actor=current_user)):
        flash(f"User {email} saved.", "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user), 422 if form.errors else 200
