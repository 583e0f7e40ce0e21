"""Each audited change writes its audit row in its own unit of work: one row when it commits, none when it rolls
back."""

import io

import pytest
from sqlalchemy import func, select

from helpdesk.api.services import create_api_token, revoke_api_token
from helpdesk.audit.models import AuditEvent
from helpdesk.auth.services import create_user, update_user
from helpdesk.auth.signin import check_credentials, record_attempt
from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.imports.engine import import_file, rejected_file
from helpdesk.imports.kinds import ORDERS
from helpdesk.participants.services import upsert_participant
from helpdesk.privacy.erasure import erase_participant
from helpdesk.programs.services import create_program, update_program_settings
from helpdesk.surveys.settings import update_survey_settings
from tests.factories import PASSWORD, SYSTEM
from tests.rewards.conftest import csv_bytes, csv_row
from tests.scripts.conftest import DELIVERY, save_script


class Boom(Exception):
    pass


def _settings(program, **changed):
    values = {"name": program.name, "hotline_number": program.hotline_number, "timezone": program.timezone,
              "locale": program.locale, "business_hours": program.business_hours, "sla_targets": program.sla_targets,
              "greetings": program.greetings, "on_duty_numbers": program.on_duty_numbers}
    return update_program_settings(program, **(values | changed), actor=SYSTEM)


def _import(program, participant, tmp_path):
    data = csv_bytes([csv_row(participant, "ORD-A1"), csv_row(participant, "ORD-A2", status="nonsense")])
    import_file(ORDERS, program, io.BytesIO(data), "orders.csv", actor=SYSTEM, source="upload orders.csv",
                rejected=rejected_file(tmp_path / "rejected.csv"))


CHANGES = {
    "participant.created": lambda w: upsert_participant(w.program, "NEW-1", {"first_name": "Ola"}, actor=SYSTEM),
    "participant.changed": lambda w: upsert_participant(w.program, w.participant.external_id,
                                                        {"first_name": "Renamed"}, actor=SYSTEM),
    "user.created": lambda w: create_user(email="new@helpdesk.test", name="New", role="agent", password=PASSWORD,
                                          actor=SYSTEM),
    "user.changed": lambda w: update_user(w.user, name="Other Name", role="agent", active=True, programs=[],
                                          password=None, actor=w.admin),
    "program.created": lambda w: create_program(code="NEWPROG", name="New", hotline_number="+48221234999",
                                                timezone="Europe/Warsaw", locale="pl", actor=SYSTEM),
    "program.settings_changed": lambda w: _settings(w.program, greetings={"en": "Hello there"},
                                                    retention_months=12),
    "program.survey_settings_changed": lambda w: update_survey_settings(
        w.program, enabled=False, delay_minutes=5, quiet_hours="", fatigue_days=0, texts={}, actor=SYSTEM),
    "script.published": lambda w: save_script(DELIVERY, SYSTEM),
    "api_token.created": lambda w: create_api_token("crm", w.program, actor=SYSTEM),
    "api_token.revoked": lambda w: revoke_api_token(w.token.id, actor=SYSTEM),
    "import.orders": lambda w: _import(w.program, w.participant, w.tmp_path),
    "participant.erased": lambda w: erase_participant(w.participant.id, actor=SYSTEM),
    "auth.signed_in": lambda w: record_attempt(check_credentials(w.user.email, PASSWORD, address="10.0.0.1")),
    "auth.sign_in_failed": lambda w: record_attempt(check_credentials(w.user.email, "wrong", address="10.0.0.1")),
}


class World:
    def __init__(self, make, tmp_path):
        self.program = make.program()
        self.participant = make.participant(self.program)
        self.user = make.user(programs=[self.program])
        self.admin = make.user("admin")
        self.token, _ = create_api_token("old", self.program, actor=SYSTEM)
        self.tmp_path = tmp_path
        db.session.commit()


@pytest.fixture
def world(make, tmp_path):
    return World(make, tmp_path)


def rows_of(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


@pytest.mark.parametrize("action", CHANGES)
def test_an_audited_change_writes_one_row_with_it(world, action):
    before = rows_of(action)
    with unit_of_work():
        CHANGES[action](world)
    assert rows_of(action) == before + 1


@pytest.mark.parametrize("action", CHANGES)
def test_a_change_rolled_back_leaves_no_audit_row(world, action):
    before = rows_of(action)
    with pytest.raises(Boom), unit_of_work():
        CHANGES[action](world)
        raise Boom
    assert rows_of(action) == before


def test_a_change_records_old_and_new_values_and_who(world):
    with unit_of_work():
        upsert_participant(world.program, world.participant.external_id, {"first_name": "Renamed",
                                                                         "email": "new@example.com"}, actor=SYSTEM)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.changed")).one()
    assert event.changes["first_name"][1] == "Renamed" and event.changes["email"][1] == "new@example.com"
    assert "locale" not in event.changes  # unchanged fields are left out
    assert (event.actor_type, event.actor_name, event.target_type) == ("system", "Test", "participant")
    assert event.target_id == str(world.participant.id) and event.program_id == world.program.id


def test_five_failures_lock_the_account_and_the_lock_out_is_recorded(world):
    for _ in range(5):
        with unit_of_work():
            record_attempt(check_credentials(world.user.email, "wrong", address="10.0.0.9"))
    assert rows_of("auth.sign_in_failed") == 5 and rows_of("auth.locked_out") == 1
    with unit_of_work():
        record_attempt(check_credentials(world.user.email, PASSWORD, address="10.0.0.9"))
    assert rows_of("auth.sign_in_refused") == 1 and rows_of("auth.signed_in") == 0


def test_a_change_that_changes_nothing_writes_no_row(world):
    with unit_of_work():
        upsert_participant(world.program, world.participant.external_id,
                           {"first_name": world.participant.first_name, "last_name": world.participant.last_name,
                            "phone": world.participant.phone, "email": world.participant.email,
                            "points_balance": world.participant.points_balance}, actor=SYSTEM)
    assert rows_of("participant.changed") == 0


def test_the_import_records_its_file_and_row_counts(world):
    with unit_of_work():
        _import(world.program, world.participant, world.tmp_path)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import.orders")).one()
    assert event.details["file"] == "upload orders.csv"
    assert (event.details["rows"], event.details["created"], event.details["rejected"]) == (2, 1, 1)
