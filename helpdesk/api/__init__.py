"""API v1. Two blueprints: the API itself (bearer tokens; routes in views.py, reward_orders.py, satisfaction.py)
and the staff pages that issue, list and revoke its tokens (token_pages.py)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("api_tokens", __name__)
