"""Entry point: ``flask --app wsgi ...`` and ``gunicorn wsgi:app``."""

from helpdesk import create_app

app = create_app()
