"""A program's case categories: built-in ones renamed or retired, its own ones reported as a built-in one."""

import pytest
from flask_babel import force_locale

from helpdesk.audit.models import AuditEvent
from helpdesk.cases.categories import (
    add_category,
    category_choices,
    category_name,
    rename_category,
    resolve_category,
    set_category_retired,
)
from helpdesk.cases.models import CaseCategory, CaseEvent, Category
from helpdesk.cases.services import update_case
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from tests.conftest import csrf_token, login
from tests.factories import SYSTEM


def parcel(program, **names):
    return add_category(program, names={"en": "Damaged parcel", **names}, reported_as="reward_delivery",
                        actor=SYSTEM)


def rows(program):
    return db.session.query(CaseCategory).filter_by(program_id=program.id).all()


def test_a_case_in_a_programs_own_category_is_reported_as_its_built_in_one(make, program):
    damaged = parcel(program, pl="Uszkodzona paczka")
    case = make.case(program, category=f"custom:{damaged.id}")
    assert (case.category, case.custom_category_id) == (Category.REWARD_DELIVERY, damaged.id)
    assert case.category_name == "Damaged parcel"
    assert (damaged.name_in("pl"), damaged.name_in("ru")) == ("Uszkodzona paczka", "Damaged parcel")
    assert (f"custom:{damaged.id}", "Damaged parcel") in category_choices(program, "en")


def test_renaming_a_built_in_category_keeps_one_row_and_its_meaning(make, program):
    case = make.case(program, category="points")
    rename_category(program, "points", names={"en": "Loyalty points"}, actor=SYSTEM)
    rename_category(program, "points", names={"en": "Loyalty points", "pl": "Punkty lojalnościowe"}, actor=SYSTEM)
    [row] = rows(program)
    assert (row.builtin, row.reported_as, row.value) == (True, Category.POINTS, "points")
    db.session.expire(case)
    assert (case.category, case.custom_category_id, case.category_name) == (Category.POINTS, None, "Loyalty points")
    assert ("points", "Punkty lojalnościowe") in category_choices(program, "pl")
    assert dict(category_choices(program, "ru"))["points"] == "Loyalty points"
    assert category_name(make.program().id, "points") == "Points"  # other programs keep the built-in name


def test_a_built_in_category_without_names_shows_its_own_name_in_each_language(program):
    rename_category(program, "account", names={"en": ""}, actor=SYSTEM)
    with force_locale("pl"):
        polish = str(Category.ACCOUNT.label)
    assert dict(category_choices(program, "pl"))["account"] == polish != "Account"


@pytest.mark.parametrize("names, field", [({"en": "damaged PARCEL"}, "name_en"), ({"en": "Points"}, "name_en"),
                                          ({"en": "Dented", "pl": "uszkodzona paczka"}, "name_pl"),
                                          ({"en": "  "}, "name_en"), ({"en": "x" * 61}, "name_en")])
def test_an_empty_or_taken_name_is_refused_naming_the_field(program, names, field):
    parcel(program, pl="Uszkodzona paczka")
    with pytest.raises(ValidationError) as refused:
        add_category(program, names=names, reported_as="other", actor=SYSTEM)
    assert set(refused.value.fields) == {field}
    assert len(rows(program)) == 1


def test_a_built_in_category_cannot_take_the_name_of_another(program):
    parcel(program)
    with pytest.raises(ValidationError) as refused:
        rename_category(program, "complaint", names={"en": "Damaged Parcel"}, actor=SYSTEM)
    assert "name_en" in refused.value.fields


def test_an_unknown_reported_as_is_refused_naming_the_field(program):
    with pytest.raises(ValidationError) as refused:
        add_category(program, names={"en": "Damaged parcel"}, reported_as="parcels", actor=SYSTEM)
    assert set(refused.value.fields) == {"reported_as"}
    assert rows(program) == []


def test_a_retired_category_is_no_longer_offered_but_its_cases_keep_it(make, program):
    damaged = parcel(program)
    case = make.case(program, category=f"custom:{damaged.id}")
    set_category_retired(program, f"custom:{damaged.id}", retired=True, actor=SYSTEM)
    set_category_retired(program, "complaint", retired=True, actor=SYSTEM)
    offered = [value for value, _ in category_choices(program, "en")]
    assert f"custom:{damaged.id}" not in offered and "complaint" not in offered and "points" in offered
    assert f"custom:{damaged.id}" in dict(category_choices(program, "en", current=case.category_value))
    assert case.category_name == "Damaged parcel"
    set_category_retired(program, "complaint", retired=False, actor=SYSTEM)
    assert "complaint" in dict(category_choices(program, "en"))
    actions = [e.action for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("program.category%"))
               .order_by(AuditEvent.id)]
    assert actions == ["program.category_added", "program.category_retired", "program.category_retired",
                       "program.category_restored"]


def test_another_programs_category_is_not_one_of_this_program(make, program):
    foreign = parcel(make.program())
    with pytest.raises(ValueError, match="is not a category of this program"):
        resolve_category(program, f"custom:{foreign.id}")
    with pytest.raises(NotFound):
        set_category_retired(program, f"custom:{foreign.id}", retired=True, actor=SYSTEM)
    with pytest.raises(NotFound):
        rename_category(program, "parcels", names={"en": "Parcels"}, actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        make.case(program, category=f"custom:{foreign.id}")
    assert set(refused.value.fields) == {"category"}
    assert foreign.retired is False


def test_the_timeline_names_the_categories_a_case_moved_between(make, program):
    damaged = parcel(program)
    case = make.case(program, category="points")
    update_case(case, actor=SYSTEM, category=f"custom:{damaged.id}")
    update_case(case, actor=SYSTEM, category="complaint")
    assert (case.category, case.custom_category) == (Category.COMPLAINT, None)
    moves = db.session.query(CaseEvent).filter_by(case_id=case.id, kind="category").order_by(CaseEvent.id).all()
    assert [(category_name(program.id, e.data["old"], e.data["old_custom"]),
             category_name(program.id, e.data["new"], e.data["new_custom"])) for e in moves] == [
        ("Points", "Damaged parcel"), ("Damaged parcel", "Complaint")]


# The settings page and the case forms


@pytest.fixture
def manager_client(client, make, program):
    login(client, make.user("manager", programs=[program]))
    return client


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/cases")})


def test_a_manager_adds_renames_and_retires_categories_on_the_settings_page(manager_client, program):
    settings = f"/programs/{program.code}/settings"
    response = post(manager_client, f"/programs/{program.code}/categories",
                    {"name_en": "Damaged parcel", "name_pl": "Uszkodzona paczka", "reported_as": "reward_delivery"})
    assert response.status_code == 302 and response.location.endswith(f"{settings}#categories")
    assert post(manager_client, f"/programs/{program.code}/categories/points",
                {"points-name_en": "Loyalty points"}).status_code == 302
    [damaged] = [row for row in rows(program) if not row.builtin]
    assert post(manager_client, f"/programs/{program.code}/categories/custom:{damaged.id}/retired",
                {"retired": "1"}).status_code == 302
    db.session.expire_all()
    assert damaged.retired and damaged.name_pl == "Uszkodzona paczka"
    page = manager_client.get(settings).get_data(as_text=True)
    assert "Damaged parcel" in page and 'value="Loyalty points"' in page


def test_a_duplicate_name_is_shown_beside_the_field_and_nothing_is_saved(manager_client, program):
    parcel(program)
    response = post(manager_client, f"/programs/{program.code}/categories",
                    {"name_en": "Damaged parcel", "reported_as": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "another category is already called Damaged parcel" in page
    assert "is-invalid" in page.split('id="name_en"')[0].rsplit("<input", 1)[1]
    response = post(manager_client, f"/programs/{program.code}/categories/complaint",
                    {"complaint-name_en": "DAMAGED PARCEL"})
    assert response.status_code == 422 and "another category is already called" in response.get_data(as_text=True)
    assert len(rows(program)) == 1


def test_an_unknown_reported_as_is_shown_on_the_settings_page(manager_client, program):
    response = post(manager_client, f"/programs/{program.code}/categories",
                    {"name_en": "Damaged parcel", "reported_as": "parcels"})
    assert response.status_code == 422 and "must be one of" in response.get_data(as_text=True)
    assert rows(program) == []


def test_an_agent_chooses_the_programs_active_categories_on_the_case_forms(agent_client, make, program):
    damaged, old = parcel(program), add_category(program, names={"en": "Old promo"}, reported_as="other",
                                                 actor=SYSTEM)
    set_category_retired(program, f"custom:{old.id}", retired=True, actor=SYSTEM)
    rename_category(program, "points", names={"en": "Loyalty points"}, actor=SYSTEM)
    new_case = agent_client.get("/cases/new").get_data(as_text=True)
    assert "Damaged parcel" in new_case and "Loyalty points" in new_case and "Old promo" not in new_case
    case = make.case(program, category=f"custom:{old.id}")
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'<option selected value="custom:{old.id}">Old promo</option>' in page
    response = post(agent_client, f"/cases/{case.id}/update",
                    {"status": "open", "priority": "normal", "assignee": "", "category": f"custom:{damaged.id}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (case.category, case.custom_category_id) == (Category.REWARD_DELIVERY, damaged.id)
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Category changed from <em>Old promo</em> to <strong>Damaged parcel</strong>" in page
    assert "Damaged parcel" in agent_client.get("/cases?queue=all").get_data(as_text=True)
