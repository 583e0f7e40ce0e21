"""The migration to scales and per-language texts keeps each program's own question, both ways."""

import json

import flask_migrate
from sqlalchemy import text

from helpdesk.extensions import db
from tests.conftest import build_app

SCALES_REVISION = "0013"


def settings_row(program_id):
    return db.session.execute(text("SELECT * FROM survey_settings WHERE program_id = :id"), {"id": program_id}).one()


def test_each_programs_own_question_becomes_its_question_text_and_comes_back_on_downgrade(fresh_database):
    app = build_app(fresh_database("_migration", migrated=False))
    with app.app_context():
        flask_migrate.upgrade(revision="0012")
        # in SQL, as the schema stood at 0012: the models describe the newest one (later columns included)
        program_id = db.session.execute(text(
            "INSERT INTO programs (code, name, hotline_number, timezone, locale, business_hours, sla_targets, "
            "last_case_number, greetings, on_duty_numbers, created_at) VALUES ('MIGR', 'Migration', '+48220009999', "
            "'Europe/Warsaw', 'pl', '{}', '{}', 0, '{}', '[]', CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
        db.session.execute(text("INSERT INTO survey_settings (program_id, enabled, questions, updated_at) "
                                "VALUES (:id, true, :questions, CURRENT_TIMESTAMP)"),
                           {"id": program_id, "questions": '{"pl": "Jak oceniasz sprawę {case}?", "en": ""}'})
        db.session.commit()

        flask_migrate.upgrade(revision=SCALES_REVISION)
        row = settings_row(program_id)
        assert (row.scale, _json(row.texts)) == (5, {"pl": {"question": "Jak oceniasz sprawę {case}?"}})
        db.session.remove()

        flask_migrate.downgrade(revision="0012")
        assert _json(settings_row(program_id).questions) == {"pl": "Jak oceniasz sprawę {case}?"}
        db.session.remove()
        db.engine.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
