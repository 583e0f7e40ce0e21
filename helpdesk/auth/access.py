"""Page access: every page but sign-in needs a session; some need a manager or an admin.

The API (bearer tokens) and Twilio's webhooks (request signatures) check their callers themselves.
"""

from functools import wraps

from flask import Flask, abort, request
from flask_login import current_user

from helpdesk.auth.models import Role
from helpdesk.extensions import login_manager

# The probes check their callers themselves (/metrics: a token or an address).
PUBLIC_ENDPOINTS = {"auth.login", "static", "bootstrap.static", "operations.healthz", "operations.readyz",
                    "operations.metrics"}


def register_login_wall(app: Flask) -> None:
    @app.before_request
    def require_session():
        if request.endpoint in PUBLIC_ENDPOINTS or request.path.startswith(("/api/", "/twilio/")):
            return None
        if request.endpoint is None:  # unknown URL: let it 404 after sign-in only
            return None if current_user.is_authenticated else login_manager.unauthorized()
        if not current_user.is_authenticated:
            if request.path.startswith("/live/"):
                # A page's background request: a redirect would flash "please sign in" into whatever page the
                # browser shows next (over "You are signed out", say); the page's script reconnects or stops.
                abort(401)
            return login_manager.unauthorized()
        return None


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403, "Your role does not allow this page.")
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # read by the route-walking security test
        return wrapped

    return decorator


manager_required = role_required(Role.MANAGER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
