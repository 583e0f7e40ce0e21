"""The migration to scales and per-language texts keeps each program's own question, both ways."""

import json
from datetime import UTC, datetime, timedelta

import flask_migrate
from sqlalchemy import text, update

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


def test_sent_surveys_take_the_orders_linked_by_then_when_the_reward_keys_are_added(fresh_database):
    from helpdesk.rewards.delivery import link_order
    from helpdesk.rewards.models import delivery_case_orders
    from helpdesk.rewards.orders import upsert_order
    from helpdesk.surveys.dispatch import mark_sent
    from helpdesk.surveys.models import Survey, SurveyStatus
    from tests import factories
    from tests.rewards.conftest import order_fields

    app = build_app(fresh_database("_order_keys"))
    with app.app_context():
        program = factories.program()

        def survey(case):
            made = Survey(case=case, program_id=program.id, category="reward_delivery", locale="pl",
                          status=SurveyStatus.SCHEDULED)
            db.session.add(made)
            db.session.flush()
            return made

        def order(case, ref, reward, vendor):
            made, _ = upsert_order(program, ref, order_fields(case.participant, reward_name=reward, vendor=vendor),
                                   actor=factories.SYSTEM, source="test")
            link_order(case, made, actor=factories.SYSTEM, issue_type="not_delivered")

        two, late, none = (factories.case(program) for _ in range(3))
        order(two, "O-1", "Kettle", None)
        order(two, "O-2", "Coffee maker", "HomeGoods")
        surveys = [survey(case) for case in (two, late, none)]
        sent_at = datetime.now(UTC) + timedelta(seconds=1)
        for made in surveys:
            mark_sent(made, sent_at, program.timezone)
        order(late, "O-3", "Kettle", "HomeGoods")
        db.session.execute(update(delivery_case_orders).where(delivery_case_orders.c.case_id == late.id)
                           .values(linked_at=sent_at + timedelta(minutes=5)))
        db.session.commit()
        ids = [made.id for made in surveys]
        db.session.remove()

        flask_migrate.downgrade(revision="0023")
        flask_migrate.upgrade(revision="0024")
        keys = dict(db.session.execute(text("SELECT id, order_keys FROM surveys")).all())
        assert [_json(keys[survey_id]) for survey_id in ids] == [
            {"reward": ["Coffee maker", "Kettle"], "vendor": ["", "HomeGoods"]}, None, None]
        db.session.remove()
        db.engine.dispose()
