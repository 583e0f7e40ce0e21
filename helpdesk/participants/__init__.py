from flask import Blueprint

bp = Blueprint("participants", __name__, url_prefix="/participants")

from helpdesk.participants import views  # noqa: E402,F401
