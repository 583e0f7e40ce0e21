from flask import Blueprint

bp = Blueprint("cases", __name__)

from helpdesk.cases import views  # noqa: E402,F401
