"""Every agent and manager page, rendered in Polish and in Russian, shows no English UI word.

An English word is one of the words of the English source strings (the catalogue's msgids) that the language's
own translations never use ("Status", "SMS" and "CSV" are Polish too). Test data is Polish, so that what
participants and managers wrote is not taken for untranslated UI; text marked with another ``lang`` (what a
participant wrote, in their language) and code samples are not UI text.
"""

import re
from html.parser import HTMLParser

import pytest

from helpdesk.auth.models import Role
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.rewards.orders import upsert_order
from helpdesk.telephony.models import Call, Message
from tests.conftest import login
from tests.factories import SYSTEM
from tests.reports.conftest import add_survey
from tests.rewards.conftest import order_fields
from tests.security.test_routes import ADMIN, MANAGER, ROUTES, SESSION
from tests.test_translations import catalogue

WORD = re.compile(r"[A-Za-z]{3,}")
NOT_UI = {"script", "style", "code", "kbd", "pre", "textarea"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    def __init__(self, language: str):
        super().__init__()
        self.language, self.skipping, self.stack, self.parts = language, 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in NOT_UI or (attrs.get("lang") not in (None, self.language))
        if tag not in ("br", "input", "img", "meta", "link", "hr", "col", "source", "wbr"):
            self.stack.append(skip)
            self.skipping += skip
        if not self.skipping and not skip:
            self.parts += [attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag not in ("br", "input", "img", "meta", "link", "hr", "col", "source", "wbr") and self.stack:
            self.skipping -= self.stack.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def english_words(language: str) -> set[str]:
    translations = catalogue(language)
    source, translated = set(), set()
    for message in translations:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source |= {w.lower() for text in ids for w in WORD.findall(re.sub(r"%\(\w+\)\w", "", text))}
        translated |= {w.lower() for text in strings for w in WORD.findall(text)}
    return source - translated


@pytest.fixture
def polish_world(make):
    program = make.program(name="Premia Aurora")
    participant = make.participant(program, first_name="Zofia", last_name="Wiśniewska", email="zofia@poczta.pl")
    case = make.case(program, participant=participant, subject="Paczka nie dotarła",
                     description="Zamówiony ekspres nie dotarł.")
    order, _ = upsert_order(program, "ZAM-1", order_fields(participant, reward_name="Ekspres do kawy",
                                                            vendor="Sklep24", carrier="InPost", tracking_number="IP1",
                                                            shipping_address="ul. Polna 1, Kraków"),
                            actor=SYSTEM, source="test")
    add_survey(make.case(program, participant=participant, subject="Punkty", description="Brak punktów."),
               sent_at=utcnow(), score=2, comment="Nikt nie oddzwonił")
    db.session.add_all([
        Call(call_sid="CA" + "1" * 32, program_id=program.id, participant_id=participant.id, case_id=case.id,
             from_number=participant.phone, to_number=program.hotline_number, status="in-progress",
             started_at=utcnow()),
        Message(program=program, direction="inbound", from_number=participant.phone,
                to_number=program.hotline_number, body="Dzień dobry", status="received", case_id=case.id)])
    canned = make.canned_reply(program, title="Powitanie", body="Dzień dobry {{ participant.first_name }}!")
    admin = make.user(role="admin", name="Zofia Nowak", email="zofia.nowak@pomoc.pl")
    db.session.flush()
    return {"case_id": case.id, "participant_id": participant.id, "code": program.code, "order_id": order.id,
            "canned_id": canned.id, "admin": admin}


def page_paths(app, world) -> list[str]:
    """Every agent, manager and admin page (GET, HTML), its arguments taken from ``world``."""
    paths = []
    for rule in app.url_map.iter_rules():
        if ROUTES.get(rule.endpoint) not in (SESSION, MANAGER, ADMIN) or "GET" not in rule.methods:
            continue
        if rule.rule.endswith((".csv", ".json", "/export", "/panel")) or "/export/" in rule.rule:
            continue  # files and page fragments, not pages
        try:
            paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world[m[1]]), rule.rule))
        except KeyError:  # a page of a record this world has none of (a script, an import)
            continue
    return sorted(paths)


@pytest.mark.parametrize("language", ["pl", "ru"])
def test_every_page_shows_no_english_ui_word(client, app, polish_world, language):
    admin = polish_world["admin"]
    admin.language = language
    assert admin.role == Role.ADMIN  # sees every agent and manager page
    login(client, admin)
    english = english_words(language)
    leftovers = {}
    for path in page_paths(app, polish_world):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = VisibleText(language)
        parser.feed(response.get_data(as_text=True))
        found = sorted({w for w in WORD.findall(" ".join(parser.parts)) if w.lower() in english})
        if found:
            leftovers[path] = found
    assert not leftovers, "\n".join(f"{path}: {' '.join(words)}" for path, words in leftovers.items())
