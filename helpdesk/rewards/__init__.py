"""The blueprint; its routes live in views.py, imported by create_app."""

from flask import Blueprint

bp = Blueprint("rewards", __name__, url_prefix="/rewards")
