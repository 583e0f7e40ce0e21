from flask import Blueprint

bp = Blueprint("programs", __name__, url_prefix="/programs")

from helpdesk.programs import views  # noqa: E402,F401
