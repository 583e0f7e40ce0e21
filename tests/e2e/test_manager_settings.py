"""A manager adds an agent to their program, a holiday to its calendar, a key to its phone menu and a case
category, in the browser."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_a_manager_invites_an_agent_and_adds_a_holiday(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        code, label = program.code, f"{program.name} ({program.code})"
        email = factories.user(role="manager", programs=[program]).email

    sign_in(email)
    page.get_by_role("link", name="Agents").click()
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Email").fill("nowa.konsultantka@example.com")
    page.get_by_label("Name").fill("Nowa Konsultantka")
    page.get_by_label("Programs served").select_option(label=label)
    page.get_by_label("Password").fill("long enough password")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="nowa.konsultantka@example.com", exact=True)).to_be_visible()

    page.goto(live_server.path_for("programs.settings", code=code))
    days = page.get_by_role("form", name="Add a holiday or special hours")
    days.get_by_label("First day").fill("2026-12-26")
    days.get_by_label("Last day").fill("2026-12-24")
    days.get_by_role("button", name="Add").click()
    expect(page.get_by_text("is before the first day")).to_be_visible()
    days = page.get_by_role("form", name="Add a holiday or special hours")
    days.get_by_label("Last day").fill("2026-12-27")
    days.get_by_label("Note").fill("Boże Narodzenie")
    days.get_by_role("button", name="Add").click()
    expect(page.get_by_role("cell", name="Boże Narodzenie")).to_be_visible()


def test_a_manager_adds_a_phone_menu_option_with_polish_words(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        code = program.code
        email = factories.user(role="manager", programs=[program]).email

    sign_in(email)
    page.goto(live_server.path_for("programs.settings", code=code))
    page.get_by_role("link", name="Phone menu").click()
    option = page.get_by_role("form", name="Add a phone menu option")
    option.get_by_label("Phone key").fill("1")
    option.get_by_role("button", name="Add").click()
    expect(page.get_by_text("is already an option of this menu")).to_be_visible()
    option = page.get_by_role("form", name="Add a phone menu option")
    option.get_by_label("Phone key").fill("3")
    option.get_by_label("Case category").select_option(label="Redemption")
    option.get_by_label("What callers hear (English)").fill("For gift cards, press 3.")
    option.get_by_label("What callers hear (Polish)").fill("W sprawie kart podarunkowych prosimy wybrać 3.")
    option.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Option added.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="W sprawie kart podarunkowych prosimy wybrać 3.")
    expect(row.get_by_role("cell").first).to_have_text("3")
    expect(page.get_by_role("button", name="Remove option 0")).to_be_visible()  # the standard options stay


def test_a_manager_adds_a_case_category_and_renames_a_built_in_one(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        code, email = program.code, factories.user(role="manager", programs=[program]).email

    sign_in(email)
    page.goto(live_server.path_for("programs.settings", code=code))
    add = page.get_by_role("form", name="Add a case category")
    add.get_by_label("Name (Polish)").fill("Uszkodzona paczka")
    add.get_by_label("Reported as").select_option(label="Reward delivery")
    add.get_by_role("button", name="Add category").click()
    expect(page.get_by_text("is required")).to_be_visible()
    add = page.get_by_role("form", name="Add a case category")
    add.get_by_label("Name (English)").fill("Damaged parcel")
    add.get_by_role("button", name="Add category").click()
    expect(page.get_by_role("form", name="Category Damaged parcel")).to_be_visible()

    points = page.get_by_role("form", name="Category Points")
    points.get_by_label("Name (English)").fill("Loyalty points")
    points.get_by_role("button", name="Save names").click()
    expect(page.get_by_role("form", name="Category Loyalty points")).to_be_visible()

    page.goto(live_server.path_for("cases.new_case"))
    page.get_by_label("Category").select_option(label="Damaged parcel")
    expect(page.get_by_label("Category").locator("option", has_text="Loyalty points")).to_have_count(1)
