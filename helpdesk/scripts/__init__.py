"""Call scripts: versioned conversation templates with branching and merge fields, run live on a case.

The blueprint; the manager pages live in views.py and the case-page runner in runner_views.py.
"""

from flask import Blueprint

bp = Blueprint("scripts", __name__)
