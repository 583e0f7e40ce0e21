"""Entry point: ``flask --app wsgi ...`` and ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

A setting the app cannot start with (``DATABASE_URL``, ``SECRET_KEY``…) ends the process with one line that
names it, and exit status 1.
"""

import sys

from helpdesk import create_app
from helpdesk.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    sys.exit(f"Error: {error}")
