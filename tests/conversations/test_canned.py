"""Canned replies: kept by the program's managers (checked, audited), filled in for a case as plain text, and
offered beside the case page's reply box."""

import pytest
from sqlalchemy import select

from helpdesk.audit.models import AuditEvent
from helpdesk.conversations.canned import delete_canned_reply, replies_for_case, save_canned_reply
from helpdesk.conversations.models import CannedReply
from helpdesk.errors import NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.scripts.merge_fields import show_merge_fields
from tests import factories
from tests.conftest import csrf_token, login


def program_manager(program):
    return factories.user(role="manager", programs=[program])


def refusal(program, **fields) -> dict:
    data = {"title": "Powitanie", "language": "pl", "body": "Dzień dobry", **fields}
    with pytest.raises(ValidationError) as refused:
        save_canned_reply(program, None, **data, actor=program_manager(program))
    return refused.value.fields


def test_a_reply_is_filled_in_for_the_case_as_plain_text(make, hotline, caller):
    make.canned_reply(hotline, title="Paczka", body="Cześć {{ participant.first_name }}, sprawa {{ case.number }}: "
                                                    "<script>alert(1)</script> & {{ participant.email }}")
    case = make.case(hotline, participant=caller)
    caller.email = None
    language, own, others = replies_for_case(case, make.user(programs=[hotline]))
    assert language == "pl" and others == []
    assert own[0].text == (f"Cześć Anna, sprawa {case.reference}: <script>alert(1)</script> & "
                           "[participant.email]")  # plain text: escaped only where a page shows it


def test_replies_in_the_participant_s_language_come_first(make, hotline, caller):
    for title, language in (("A", "en"), ("B", "ru"), ("C", "pl"), ("D", "pl")):
        make.canned_reply(hotline, title=title, language=language, body=title)
    language, own, others = replies_for_case(make.case(hotline, participant=caller), make.user(programs=[hotline]))
    assert [r.title for r in own] == ["C", "D"] and [(r.title, r.language) for r in others] == [("A", "en"),
                                                                                                 ("B", "ru")]


def test_a_body_that_does_not_render_is_refused_naming_the_problem(make, hotline):
    assert refusal(hotline, body="Hi {{ participant.nickname }}") == {
        "body": "line 1: unknown merge field {{ participant.nickname }}"}
    assert "line 2: only text and merge fields" in refusal(hotline, body="Hi\n{{ participant.first_name")["body"]
    assert "only text and merge fields" in refusal(hotline, body="{% for x in y %}{% endfor %}")["body"]
    assert set(refusal(hotline, language="de", title="", body="")) == {"title", "language", "body"}


def test_a_title_is_unique_per_program_and_language(make, hotline):
    make.canned_reply(hotline, title="Powitanie", language="pl")
    assert refusal(hotline, title="Powitanie") == {"title": "is already the title of another reply in this language"}
    save_canned_reply(hotline, None, title="Powitanie", language="ru", body="Здравствуйте",
                      actor=program_manager(hotline))
    save_canned_reply(make.program(), None, title="Powitanie", language="pl", body="Hej", actor=make.user(role="admin"))


def test_changes_are_audited_and_another_program_s_reply_is_missing(make, hotline):
    manager = program_manager(hotline)
    reply = save_canned_reply(hotline, None, title="Powitanie", language="pl", body="Dzień dobry", actor=manager)
    save_canned_reply(hotline, reply.id, title="Powitanie", language="pl", body="Dobry wieczór", actor=manager)
    with pytest.raises(NotFound):
        delete_canned_reply(make.program(), reply.id, actor=make.user(role="admin"))
    delete_canned_reply(hotline, reply.id, actor=manager)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("canned_reply.%"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.program_id) for e in events] == [
        ("canned_reply.created", manager.id, hotline.id), ("canned_reply.changed", manager.id, hotline.id),
        ("canned_reply.deleted", manager.id, hotline.id)]
    assert events[1].changes == {"body": ["Dzień dobry", "Dobry wieczór"]}


def test_the_case_page_offers_the_replies_only_when_the_program_has_some(client, make, hotline, caller):
    login(client, make.user(programs=[hotline]))
    case = make.case(hotline, participant=caller)
    assert 'id="canned-reply"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    make.canned_reply(hotline, title="Paczka <b>", body="Cześć {{ participant.first_name }} <script>x</script>")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'accesskey="k"' in page and "js/canned_replies.js" in page
    assert 'data-text="Cześć Anna &lt;script&gt;x&lt;/script&gt;"' in page and "Paczka &lt;b&gt;" in page
    assert "<script>x" not in page and "<b>" not in page


def test_the_picker_is_left_out_when_nobody_can_be_texted(client, make, hotline):
    make.canned_reply(hotline)
    login(client, make.user(programs=[hotline]))
    case = make.case(hotline, participant=make.participant(hotline, phone=None))
    assert 'id="canned-reply"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_manager_adds_edits_and_deletes_a_reply_on_its_page(client, make, hotline):
    login(client, make.user(role="manager", programs=[hotline]))
    url = f"/programs/{hotline.code}/canned-replies"
    assert "None yet." in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Powitanie", "language": "pl",
                                 "body": "Hej {{ participant.nick }}"})
    assert bad.status_code == 422 and "unknown merge field {{ participant.nick }}" in bad.get_data(as_text=True)
    added = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Powitanie", "language": "pl",
                                   "body": "Dzień dobry {{ participant.first_name }}!"})
    assert added.status_code == 302
    reply = db.session.scalar(select(CannedReply).where(CannedReply.program_id == hotline.id))
    page = client.get(url).get_data(as_text=True)
    assert "Powitanie" in page and "Polish" in page and "(UCS-2)" in page
    assert "Dzień dobry <code>{{ participant.first_name }}</code>!" in page  # shown as written, fields marked
    edit = f"{url}/{reply.id}"
    assert "Dzień dobry {{ participant.first_name }}!" in client.get(edit).get_data(as_text=True)
    changed = client.post(edit, data={"csrf_token": csrf_token(client, edit), "title": "Hello", "language": "en",
                                      "body": "Hello {{ participant.first_name }}"})
    assert changed.status_code == 302
    db.session.refresh(reply)
    assert (reply.title, reply.language) == ("Hello", "en")
    assert client.post(f"{edit}/delete", data={"csrf_token": csrf_token(client, url)}).status_code == 302
    assert db.session.get(CannedReply, reply.id) is None


def test_the_settings_page_links_to_the_canned_replies(client, make, hotline):
    login(client, make.user(role="manager", programs=[hotline]))
    page = client.get(f"/programs/{hotline.code}/settings").get_data(as_text=True)
    assert f'href="/programs/{hotline.code}/canned-replies"' in page


def test_a_reply_shown_as_written_is_escaped_around_its_marked_fields(app):
    assert str(show_merge_fields("<b>{{ participant.first_name }}</b> {{ x }}")) == (
        "&lt;b&gt;<code>{{ participant.first_name }}</code>&lt;/b&gt; {{ x }}")
