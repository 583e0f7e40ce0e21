"""Cases: queues, the case page, the one service path through which a case changes. Pages in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.cases import views

    app.register_blueprint(views.bp)
