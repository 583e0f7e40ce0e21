"""Cases: queues, the case page, the one service path through which a case changes. Pages in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.cases import views
    from helpdesk.cases.categories import category_name
    from helpdesk.cases.search import case_reference_url, register_reference

    app.register_blueprint(views.bp)
    register_reference(app, case_reference_url)
    app.add_template_global(category_name)  # the timeline's category entries
