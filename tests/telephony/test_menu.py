"""Each program's phone menu: managed on its own page (linked from the program settings), checked by one service."""

import pytest

from helpdesk.audit.models import AuditEvent
from helpdesk.cases.categories import add_category
from helpdesk.cases.models import Category
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.telephony.menu import menu_words, phone_menu, remove_menu_option, save_menu_option, spoken
from helpdesk.telephony.models import MenuAction, PhoneMenuOption
from tests.conftest import csrf_token, login
from tests.factories import SYSTEM


def add(program, digit, *, action="case_category", category="redemption", en="For gift cards, press {digit}.",
        pl="", ru="", position=None, actor=SYSTEM):
    return save_menu_option(program, None, new_digit=digit, action=action, category=category,
                            texts={"en": en.format(digit=digit), "pl": pl, "ru": ru}, position=position, actor=actor)


def keys(program) -> list[str]:
    return [option.digit for option in phone_menu(program.id)]


def stored(program) -> list[PhoneMenuOption]:
    return db.session.query(PhoneMenuOption).filter_by(program_id=program.id).all()


def refused(change) -> dict:
    with pytest.raises(ValidationError) as error:
        change()
    return error.value.fields


def test_a_program_without_options_has_todays_menu_in_each_language(program):
    assert keys(program) == ["1", "2", "0"] and stored(program) == []
    assert menu_words(phone_menu(program.id), "en") == (
        "For a reward delivery, press 1. For points and your account, press 2. For anything else, press 0.")
    assert menu_words(phone_menu(program.id), "pl") == (
        "W sprawie dostawy nagrody prosimy wybrać 1. W sprawie punktów i konta: 2. W innej sprawie: 0.")
    assert menu_words(phone_menu(program.id), "ru") == (
        "По доставке награды нажмите 1. По баллам и аккаунту нажмите 2. По другим вопросам нажмите 0.")


def test_the_first_option_added_keeps_the_standard_ones_and_goes_where_its_key_sorts(program):
    option = add(program, "3", pl="W sprawie kart podarunkowych: 3.")
    assert keys(program) == ["1", "2", "3", "0"] and len(stored(program)) == 4
    assert (option.action, option.category, option.position) == (MenuAction.CASE_CATEGORY, Category.REDEMPTION, 3)
    assert all(o.texts.get("en") for o in stored(program))  # the standard ones with their English words
    event = db.session.query(AuditEvent).filter_by(action="program.phone_menu_option_added").one()
    assert event.details["digit"] == "3" and event.details["texts"]["pl"] == "W sprawie kart podarunkowych: 3."


def test_a_language_left_empty_hears_the_standard_words_for_the_category_else_english(program):
    option = add(program, "4", en="For a redemption, press 4.", pl="", ru="Про обмен нажмите 4.")
    assert spoken(option, "pl") == "W sprawie wymiany punktów na nagrodę: 4."
    assert spoken(option, "ru") == "Про обмен нажмите 4."
    assert spoken(option, "en") == "For a redemption, press 4."


def test_the_agent_action_is_always_category_other(program):
    option = add(program, "9", action="agent", category="complaint", en="To talk to us, press 9.")
    assert (option.action, option.category) == (MenuAction.AGENT, Category.OTHER)
    assert spoken(option, "pl") == "Aby porozmawiać z konsultantem: 9."


def test_an_option_may_set_a_category_of_the_programs_own_and_is_said_in_its_english_words(program, make):
    parcel = add_category(program, names={"en": "Damaged parcel"}, reported_as="reward_delivery", actor=SYSTEM)
    option = add(program, "4", category=f"custom:{parcel.id}", en="For a damaged parcel, press 4.")
    assert (option.category, option.custom_category_id, option.category_value) == (
        Category.REWARD_DELIVERY, parcel.id, f"custom:{parcel.id}")
    assert spoken(option, "pl") == "For a damaged parcel, press 4."
    other = make.program()
    theirs = add_category(other, names={"en": "Theirs"}, reported_as="other", actor=SYSTEM)
    assert refused(lambda: add(program, "5", category=f"custom:{theirs.id}")) == {
        "category": "is not a category of this program"}


def test_a_place_puts_the_option_there_and_renumbers_the_others(program):
    add(program, "5", position=1)
    assert keys(program) == ["5", "1", "2", "0"]
    assert [o.position for o in phone_menu(program.id)] == [1, 2, 3, 4]


@pytest.mark.parametrize("digit", ["", "a", "12", "#", "٣"])
def test_a_key_that_is_not_one_digit_is_refused(program, digit):
    assert list(refused(lambda: add(program, digit))) == ["digit"]
    assert stored(program) == []


def test_a_key_already_in_the_menu_is_refused_and_nothing_is_written(program):
    assert refused(lambda: add(program, "1")) == {"digit": "is already an option of this menu"}
    assert stored(program) == []  # the standard options were not stored either


def test_a_tenth_option_is_refused(program):
    for digit in "345678":
        add(program, digit)
    assert len(stored(program)) == 9
    assert refused(lambda: add(program, "9"))["digit"].startswith("the menu has 9 options already")
    assert len(stored(program)) == 9


def test_empty_english_and_words_too_long_to_say_are_refused_by_field(program):
    fields = refused(lambda: add(program, "3", en=" ", pl="a" * 301, action="dance"))
    assert fields == {"text_en": "is required", "text_pl": "is longer than 300 characters",
                      "action": "must be one of case_category, agent, voicemail"}
    assert stored(program) == []


def test_changing_an_option_records_what_changed(program):
    add(program, "3")
    option = save_menu_option(program, "3", new_digit="4", action="voicemail", category="complaint",
                              texts={"en": "To complain, press 4."}, actor=SYSTEM)
    assert keys(program) == ["1", "2", "4", "0"] and option.action == MenuAction.VOICEMAIL
    event = db.session.query(AuditEvent).filter_by(action="program.phone_menu_option_changed").one()
    assert event.changes["digit"] == ["3", "4"] and event.changes["category"] == ["redemption", "complaint"]


def test_changing_a_standard_option_stores_the_menu_with_it(program):
    save_menu_option(program, "0", new_digit="9", action="agent", category="other",
                     texts={"en": "To talk to an agent, press 9."}, actor=SYSTEM)
    assert keys(program) == ["1", "2", "9"] and len(stored(program)) == 3


def test_removing_options_and_then_the_last_brings_the_standard_menu_back(program):
    remove_menu_option(program, "2", actor=SYSTEM)
    assert keys(program) == ["1", "0"]
    remove_menu_option(program, "1", actor=SYSTEM)
    remove_menu_option(program, "0", actor=SYSTEM)
    assert stored(program) == [] and keys(program) == ["1", "2", "0"]
    assert db.session.query(AuditEvent).filter_by(action="program.phone_menu_option_removed").count() == 3


def test_a_key_not_in_the_menu_or_a_program_not_served_is_missing(make, program):
    with pytest.raises(NotFound):
        remove_menu_option(program, "7", actor=SYSTEM)
    outsider = make.user(role="manager", programs=[make.program()])
    with pytest.raises(NotFound):
        add(program, "3", actor=outsider)


@pytest.fixture
def manager_client(client, make, program):
    login(client, make.user("manager", programs=[program]))
    return client


def post_option(client, program, path="", **fields):
    data = {"digit": "", "action": "case_category", "category": "other", "text_en": "", "text_pl": "", "text_ru": "",
            "position": "", **fields, "csrf_token": csrf_token(client, f"/programs/{program.code}/phone-menu")}
    return client.post(f"/programs/{program.code}/phone-menu{path}", data=data)


def test_a_manager_adds_an_option_and_sees_what_callers_hear(manager_client, program):
    response = post_option(manager_client, program, digit="3", category="redemption",
                           text_en="For gift cards, press 3.", text_pl="W sprawie kart <b>podarunkowych</b>: 3.")
    assert response.status_code == 302
    page = manager_client.get(f"/programs/{program.code}/phone-menu").get_data(as_text=True)
    assert "W sprawie kart &lt;b&gt;podarunkowych&lt;/b&gt;: 3." in page and "<b>podarunkowych" not in page
    assert "По обмену баллов на награду нажмите 3." in page  # Russian: the standard words, greyed
    assert f"Dzień dobry, dziękujemy za telefon na infolinię {program.name}." in page


def test_the_menu_page_offers_and_names_the_programs_own_categories(manager_client, program):
    parcel = add_category(program, names={"en": "Damaged parcel"}, reported_as="reward_delivery", actor=SYSTEM)
    db.session.commit()
    page = manager_client.get(f"/programs/{program.code}/phone-menu").get_data(as_text=True)
    assert f'value="custom:{parcel.id}"' in page
    post_option(manager_client, program, digit="4", category=f"custom:{parcel.id}", text_en="Parcels: press 4.")
    page = manager_client.get(f"/programs/{program.code}/phone-menu").get_data(as_text=True)
    words = page.index("Parcels: press 4.")
    assert "Damaged parcel" in page[page.rindex("<tr", 0, words):page.index("</tr>", words)]


def test_the_settings_page_links_to_the_phone_menu(manager_client, program):
    page = manager_client.get(f"/programs/{program.code}/settings").get_data(as_text=True)
    assert f'href="/programs/{program.code}/phone-menu"' in page


def test_bad_input_on_the_page_is_shown_beside_its_fields(manager_client, program):
    response = post_option(manager_client, program, digit="1", text_en="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is already an option of this menu" in page and "is required" in page
    assert stored(program) == []


def test_a_manager_changes_and_removes_an_option(manager_client, program):
    form = manager_client.get(f"/programs/{program.code}/phone-menu/2").get_data(as_text=True)
    assert "For points and your account, press 2." in form  # the standard English words, to keep or change
    response = post_option(manager_client, program, "/2", digit="2", action="voicemail", category="points",
                           text_en="To leave a message about points, press 2.", position="1")
    assert response.status_code == 302
    assert keys(program) == ["2", "1", "0"] and phone_menu(program.id)[0].action == MenuAction.VOICEMAIL
    token = csrf_token(manager_client, f"/programs/{program.code}/phone-menu")
    response = manager_client.post(f"/programs/{program.code}/phone-menu/1/remove", data={"csrf_token": token})
    assert response.status_code == 302 and keys(program) == ["2", "0"]
    assert manager_client.get(f"/programs/{program.code}/phone-menu/1").status_code == 404
