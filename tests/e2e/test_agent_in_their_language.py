"""A Polish and a Russian agent work a case end to end with their browser's language, and no page shows an
English UI word: the queue, the search (typed without diacritics), the participant, the case with its call
script, an SMS reply and the resolution."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpdesk.scripts.services.versions import sync_directory
from tests import factories
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.scripts.conftest import SHIPPED
from tests.test_pages_translated import WORD, VisibleText, english_words

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

AGENTS = {
    "pl": {"browser": "pl-PL", "country": "PL", "program": "Premia Aurora", "first": "Michał", "last": "Lewandowski",
           "typed": "lewandowski", "subject": "Ekspres do kawy nie dotarł", "reply": "Paczka wyjdzie jutro.",
           "labels": {"email": "E-mail", "password": "Hasło", "sign_in": "Zaloguj się", "open": "Wszystkie otwarte",
                      "start": "Uruchom skrypt", "text": "Odpowiedź dla uczestnika (SMS)", "send": "Wyślij odpowiedź",
                      "status": "Status",
                      "resolved": "Rozwiązane", "update": "Zaktualizuj zgłoszenie"}},
    "ru": {"browser": "ru-RU", "country": "RU", "program": "Тайга Бонус", "first": "Фёдор", "last": "Ёлкин",
           "typed": "федор елкин", "subject": "Кофемашина не доставлена", "reply": "Посылка уйдёт завтра.",
           "labels": {"email": "E-mail", "password": "Пароль", "sign_in": "Войти", "open": "Все открытые",
                      "start": "Запустить скрипт", "text": "Ответ участнику (SMS)", "send": "Отправить ответ",
                      "status": "Статус",
                      "resolved": "Решено", "update": "Обновить обращение"}},
}


@pytest.mark.parametrize("language", ["pl", "ru"])
def test_an_agent_works_a_case_end_to_end_in_their_browsers_language(browser, live_server, language):
    facts = AGENTS[language]
    with live_server.seed():
        sync_directory(SHIPPED, actor=factories.SYSTEM, required_locales=("en", "pl", "ru"))
        program = factories.program(name=facts["program"], country=facts["country"])
        agent = factories.user(role="agent", programs=[program], name="Zofia Nowak", email="zofia@pomoc.test").email
        participant = factories.participant(program, first_name=facts["first"], last_name=facts["last"],
                                            locale=language, email="klient@poczta.pl")
        case = factories.case(program, participant=participant, category="reward_delivery",
                              subject=facts["subject"], description=facts["subject"])
        reference = case.reference
    context = browser.new_context(base_url=live_server.url, locale=facts["browser"])
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    english = english_words(language)
    labels = facts["labels"]

    def no_english_on_the_page():
        parser = VisibleText(language)
        parser.feed(page.content())
        found = sorted({w for w in WORD.findall(" ".join(parser.parts)) if w.lower() in english})
        assert not found, f"{page.url}: {found}"

    try:
        page.goto("/login")
        no_english_on_the_page()
        page.get_by_label(labels["email"]).fill(agent)
        page.get_by_label(labels["password"]).fill(factories.PASSWORD)
        page.get_by_role("button", name=labels["sign_in"]).click()
        page.get_by_role("link", name=labels["open"], exact=True).first.click()
        expect(page.get_by_role("link", name=reference)).to_be_visible()
        no_english_on_the_page()

        page.locator("#global-search").fill(facts["typed"])
        page.locator("#global-search").press("Enter")
        expect(page.get_by_role("link", name=f"{facts['first']} {facts['last']}").first).to_be_visible()
        no_english_on_the_page()
        page.get_by_role("link", name=f"{facts['first']} {facts['last']}").first.click()
        no_english_on_the_page()
        page.get_by_role("link", name=reference).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(facts["subject"])
        no_english_on_the_page()

        runner = page.locator("#script-runner")
        runner.get_by_role("button", name=labels["start"]).click()
        expect(runner).to_contain_text(facts["first"])
        no_english_on_the_page()

        page.locator("#sms").get_by_label(labels["text"], exact=True).fill(facts["reply"])
        page.locator("#sms").get_by_role("button", name=labels["send"]).click()
        expect(page.locator("#sms")).to_contain_text(facts["reply"])
        no_english_on_the_page()

        page.get_by_label(labels["status"], exact=True).select_option(label=labels["resolved"])
        page.get_by_role("button", name=labels["update"]).click()
        expect(page.locator("#timeline")).to_contain_text(re.compile(labels["resolved"]))
        no_english_on_the_page()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"case-page-{language}.png"), full_page=True)
    finally:
        context.close()
