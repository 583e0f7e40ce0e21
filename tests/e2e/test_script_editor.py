"""The script editor without reloads: steps and options added, moved and removed in the page, merge fields
inserted from the picker, the preview following what is typed, and the script saved through the usual checks."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_accessibility import BLOCKING

pytestmark = pytest.mark.browser


def test_manager_builds_a_script_in_the_page_without_reloading_it(live_server, page, sign_in):
    with live_server.seed():
        program = factories.program()
        email = factories.user(role="manager", programs=[program]).email
        case = factories.case(program, participant=factories.participant(program, first_name="Ewa"))
        reference = case.reference

    sign_in(email)
    page.goto(live_server.path_for("scripts.new"))
    page.evaluate("window.editorMarker = 'same page'")
    steps = page.locator("fieldset[data-step]")
    expect(steps).to_have_count(1)
    expect(page.get_by_label("Order")).to_be_hidden()  # the page keeps the order itself

    page.get_by_label("Script id").fill("welcome")
    page.get_by_label("Title").fill("Welcome")
    steps.nth(0).get_by_label("Step id").fill("greet")
    steps.nth(0).get_by_label("Agent says").fill("Hello ")
    steps.nth(0).get_by_label("Otherwise go to step").fill("pick")

    page.get_by_role("button", name="Add step").click()
    expect(steps).to_have_count(2)
    steps.nth(1).get_by_label("Step id").fill("bye")
    steps.nth(1).get_by_label("Agent says").fill("Goodbye.")
    steps.nth(1).get_by_label("Ends the script").check()

    page.get_by_role("button", name="Add step").click()
    expect(steps).to_have_count(3)
    pick = steps.nth(2)
    pick.get_by_label("Step id").fill("pick")
    pick.get_by_label("Agent says").fill("What is it about?")
    pick.get_by_label("Question", exact=True).select_option("choice")
    pick.get_by_label("Records (label)").fill("Topic")
    pick.get_by_role("button", name="Add option").click()
    pick.get_by_label("Value", exact=True).fill("parcel")
    pick.get_by_label("Label", exact=True).fill("Parcel")
    pick.get_by_label("Otherwise go to step").fill("bye")
    # A second option, moved above the first and removed again: the rows are written back into the textarea.
    pick.get_by_role("button", name="Add option").click()
    pick.get_by_label("Value", exact=True).nth(1).fill("points")
    pick.get_by_label("Label", exact=True).nth(1).fill("Points")
    pick.get_by_role("button", name="Move option up").nth(1).click()
    options = pick.locator("textarea[name$='-options']")
    expect(options).to_have_value("points = Points\nparcel = Parcel")
    pick.get_by_role("button", name="Remove option").nth(0).click()
    expect(options).to_have_value("parcel = Parcel")

    # "pick" goes before "bye"
    pick.get_by_role("button", name="Move up").click()
    expect(page.locator("[data-step-legend]")).to_have_text(["greet", "pick", "bye"])
    expect(steps.nth(1)).to_have_attribute("aria-label", "Step 2")

    # The merge field goes where the cursor is.
    steps.nth(0).get_by_label("Agent says").click()
    page.keyboard.press("End")
    first_name = page.locator("#merge-fields li", has_text="{{ participant.first_name }}")
    first_name.get_by_role("button", name="Insert").click()
    expect(steps.nth(0).get_by_label("Agent says")).to_have_value("Hello {{ participant.first_name }}")

    page.get_by_label("Sample case").fill(reference)
    preview = page.locator("#script-preview")
    expect(preview).to_contain_text("Hello Ewa")
    expect(preview).to_contain_text("Topic")
    expect(preview).to_contain_text("Parcel")
    expect(page.locator('[data-merge-example="participant.first_name"]')).to_have_text("Ewa")
    expect(page.locator("#script-problems")).to_have_count(0)
    assert page.evaluate("window.editorMarker") == "same page"  # no reload or navigation so far

    # What the script added (step tools, option rows, inserted buttons) is accessible and reflows at 320 px.
    blocking = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not blocking, blocking
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved welcome (en) as version 1.")).to_be_visible()
    assert re.search(r"/scripts/\d+$", page.url)
    exported = page.request.get(page.url + "/versions/1/export").text()
    assert exported.index("id: greet") < exported.index("id: pick") < exported.index("id: bye")
    assert "Hello {{ participant.first_name }}" in exported and "value: parcel" in exported
