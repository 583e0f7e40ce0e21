"""The program settings page."""

import re
from html import unescape

from helpdesk.extensions import db
from tests.conftest import login


def form_fields(page: str) -> dict[str, str]:
    """The values a browser would send back for the page's inputs and text areas, unchanged."""
    fields = {name: unescape(value) for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                                                                  page)}
    fields |= {name: re.sub(r"^\r?\n", "", unescape(value))
               for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)}
    fields |= dict(re.findall(
        r'<select[^>]*name="([^"]+)".*?<option[^>]*selected[^>]*value="([^"]*)"', page, re.S))
    return fields


def test_the_settings_form_shows_on_duty_phones_one_per_line_and_saves_unchanged(client, make, program):
    program.on_duty_numbers = ["+48601000001", "+48601000002"]
    login(client, make.user(role="manager", programs=[program]))
    page = client.get(f"/programs/{program.code}/settings").get_data(as_text=True)
    fields = form_fields(page)
    assert fields["on_duty_numbers"] == "+48601000001\n+48601000002"
    assert "[&#39;" not in page and "['+48" not in page
    response = client.post(f"/programs/{program.code}/settings", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert program.on_duty_numbers == ["+48601000001", "+48601000002"]
