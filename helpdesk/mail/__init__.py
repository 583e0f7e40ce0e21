"""E-mail: one small adapter chosen by configuration (:mod:`.transport`): SMTP when ``SMTP_URL`` is set, else, in
development, files in ``instance/mail/`` that admins read on the "Mail" page (:mod:`.views`)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.mail import views

    app.register_blueprint(views.bp)
