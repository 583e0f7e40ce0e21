"""Script text is untrusted: known server-side template injection payloads must never execute or leak."""

import pytest
from jinja2 import TemplateError
from markupsafe import escape

from helpdesk.scripts.checker import _text_problems
from helpdesk.scripts.merge_fields import SANDBOX, merge_fields_in, render_text, resolve_values
from tests.conftest import csrf_token, login

PAYLOADS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ [].__class__.__base__.__subclasses__() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c.__name__ }}{% endfor %}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ config.SECRET_KEY }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ url_for.__globals__['current_app'].config }}",
    "{{ get_flashed_messages.__globals__ }}",
    "{{ ''|attr('__class__') }}",
    "{{ ''['\\x5f\\x5fclass\\x5f\\x5f'] }}",
    "{{ participant.__class__ }}",
    "{{ participant.first_name.__class__.__mro__ }}",
    "{{ participant['first_name'] }}",
    "{{ participant.first_name.upper() }}",
    "{{ 7*7 }}",
    "{{ '7'*7 }}",
    "{{ 'x' * 100000000 }}",
    "{% set x = range(10**9) %}{{ x }}",
    "{% include '/etc/passwd' %}",
    "{% import 'base.html' as b %}{{ b }}",
    "{% extends 'base.html' %}",
    "{% raw %}{{ 7*7 }}{% endraw %}{{ 7*7 }}",
    "{{ participant.first_name|e }}{% debug %}",
]
# Things that would show up if a payload ran or reached Python objects.
# (A placeholder may echo the name asked for, e.g. "[__mro__]": that is text, not a leak.)
LEAKS = ("<class", "<built-in", "<function", "<module", "<bound", "<flask", "object at 0x", "49", "7777777", "uid=",
         "root:", "test-secret-key", "<!doctype", "Jinja")


@pytest.fixture
def values(make, program, agent):
    case = make.case(program, participant=make.participant(program, first_name="Ewa"))
    return resolve_values(case, agent)


def test_there_are_enough_known_payloads():
    assert len(PAYLOADS) >= 15


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_check_refuses_every_injection_payload(payload):
    assert _text_problems(("say",), payload), payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_refused_text_renders_as_plain_escaped_text(payload, values):
    rendered = render_text(f"Hello {payload}", values)
    assert str(rendered) == str(escape(f"Hello {payload}"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_even_the_sandbox_alone_neither_executes_nor_leaks(payload, values, app):
    """The second lock, bypassing the check: the sandbox refuses or renders nothing of Python's insides."""
    from helpdesk.scripts import merge_fields

    context = {name: merge_fields._Values(name, values.get(name, {})) for name in merge_fields.namespaces()}
    try:
        output = SANDBOX.from_string(payload).render(context)
    except (TemplateError, TypeError):
        return
    for leak in LEAKS:
        assert leak not in output, (payload, output)


def test_merge_values_are_data_not_templates(make, program, agent):
    participant = make.participant(program, first_name="{{ 7*7 }}<script>alert(1)</script>")
    values = resolve_values(make.case(program, participant=participant), agent)
    rendered = str(render_text("Hello {{ participant.first_name }}!", values))
    assert rendered == "Hello {{ 7*7 }}&lt;script&gt;alert(1)&lt;/script&gt;!"


def test_html_in_script_text_is_escaped():
    assert str(render_text("<img src=x onerror=alert(1)>", {})) == "&lt;img src=x onerror=alert(1)&gt;"


def test_html_around_a_merge_field_is_escaped_too(values):
    rendered = render_text("<img src=x {{ participant.first_name }} onerror=alert(1)>\n<b>{{ case.subject }}</b>",
                           values)
    assert str(rendered).startswith("&lt;img src=x Ewa onerror=alert(1)&gt;\n&lt;b&gt;")
    assert "<" not in str(rendered).replace('<span class="merge-missing">', "").replace("</span>", "")


def test_a_missing_value_shows_a_visible_placeholder_not_an_error(make, program, agent):
    values = resolve_values(make.case(program, participant=None), agent)
    rendered = str(render_text("Hi {{ participant.first_name }}, case {{ case.number }}", values))
    assert '<span class="merge-missing">[participant.first_name]</span>' in rendered
    assert f"case {program.code}-" in rendered


def test_known_fields_render_from_the_case(values, program):
    rendered = str(render_text("{{ participant.first_name }} · {{ program.name }} · {{ agent.first_name }}", values))
    assert rendered == f"Ewa · {program.name} · Agent"


def test_order_fields_come_from_the_reward_orders_feature(make, program, agent):
    from helpdesk.rewards.orders import upsert_order

    participant = make.participant(program, first_name="Ewa")
    upsert_order(program, "ORD-1", {"participant_external_id": participant.external_id, "reward_sku": "S1",
                                    "reward_name": "Kettle", "reward_type": "physical", "points_spent": 900,
                                    "ordered_at": "2026-02-01T10:00:00Z", "status": "shipped", "vendor": "HomeCo",
                                    "carrier": "InPost", "tracking_number": "IP42"}, actor=make.SYSTEM, source="test")
    values = resolve_values(make.case(program, participant=participant), agent)
    text = "{{ order.reward_name }} ({{ order.reference }}) via {{ order.carrier }} {{ order.tracking_number }}, "
    rendered = str(render_text(text + "due {{ order.expected_delivery }}", values))
    missing = '<span class="merge-missing">[order.expected_delivery]</span>'
    assert rendered == f"Kettle (ORD-1) via InPost IP42, due {missing}"


def test_only_merge_fields_are_found_in_plain_text():
    assert merge_fields_in("Hi {{ participant.first_name }},\nsee {{ case.number }}") == [
        ("participant", "first_name", 1), ("case", "number", 2)]


def test_an_editor_submission_with_a_payload_is_refused_and_saves_nothing(client, make, program):
    manager = make.user(role="manager", programs=[program])
    login(client, manager)
    form = {"csrf_token": csrf_token(client, "/scripts/new"), "key": "evil", "locale": "en", "title": "Evil",
            "program": program.code, "category": "other", "steps-0-id": "start", "steps-0-end": "y",
            "steps-0-say": "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "save": "1"}
    response = client.post("/scripts/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "only merge fields such as" in page and "uid=" not in page
    assert client.get("/scripts").get_data(as_text=True).count("evil") == 0
