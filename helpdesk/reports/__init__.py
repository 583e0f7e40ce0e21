"""The program manager's satisfaction dashboard. Routes live in views.py, imported by create_app."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
