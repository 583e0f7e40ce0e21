"""The editor's live preview: POST /scripts/preview renders problems, steps and merge-field examples as a fragment."""

import pytest

from helpdesk.extensions import db
from helpdesk.scripts.merge_fields import available_fields
from helpdesk.scripts.models import Script
from tests.conftest import csrf_token
from tests.scripts.test_views import editor_form, text

PREVIEW = "/scripts/preview"


@pytest.fixture
def case(make, program):
    return make.case(program, participant=make.participant(program, first_name="Ewa"))


@pytest.fixture
def form(manager_client, program_script):
    return editor_form(manager_client, f"/scripts/{program_script.id}/edit")


def test_the_preview_fragment_renders_every_step_against_the_sample_case_and_saves_nothing(
        manager_client, form, case, program_script):
    response = manager_client.post(PREVIEW, data={**form, "sample": case.reference})
    page = text(response)
    assert response.status_code == 200 and "<html" not in page and "<form" not in page
    assert f"Preview against {case.reference}" in page and "Hello Ewa, this is" in page
    assert f"Your case is {case.reference}." in page and "Delivered · Lost" in page
    db.session.expire_all()
    assert db.session.get(Script, program_script.id).latest_number == 1


def test_the_preview_follows_what_was_typed_not_what_was_saved(manager_client, form, case):
    form.update({"sample": case.reference, "steps-1-say": "Tracking for {{ participant.first_name }}?"})
    assert "Tracking for Ewa?" in text(manager_client.post(PREVIEW, data=form))


def test_the_merge_field_list_has_every_field_with_its_value_for_the_sample_case(app, manager_client, form, case):
    page = text(manager_client.post(PREVIEW, data={**form, "sample": case.reference}))
    with app.app_context():
        fields = available_fields()
    assert {"participant.first_name", "case.number", "program.hotline_number", "agent.first_name"} <= set(fields)
    assert any(name.startswith("order.") for name in fields)  # registered by the reward orders feature
    for name in fields:
        assert f"<code id=\"merge-field-{fields.index(name) + 1}\">{{{{ {name} }}}}</code>" in page, name
    assert '<span class="text-break" data-merge-example="participant.first_name">Ewa</span>' in page
    assert f'data-merge-example="case.number">{case.reference}</span>' in page
    assert f"example values of {case.reference}" in page


def test_the_editor_page_lists_the_merge_fields_before_any_preview(manager_client, program_script, app):
    page = text(manager_client.get(f"/scripts/{program_script.id}/edit"))
    with app.app_context():
        assert all(f"{{{{ {name} }}}}" in page for name in available_fields())
    assert 'id="script-preview"' not in page and 'data-preview-on-load' in page


def test_script_text_and_case_data_are_escaped_in_the_fragment(manager_client, form, make, program):
    case = make.case(program, participant=make.participant(program, first_name="<b>Ewa</b>"),
                     subject="<script>alert(1)</script>")
    form.update({"sample": case.reference,
                 "steps-1-say": "<img src=x onerror=alert(1)> {{ participant.first_name }} {{ case.subject }}"})
    page = manager_client.post(PREVIEW, data=form).get_data(as_text=True)
    assert "<img" not in page and "<b>Ewa" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;Ewa&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-merge-example="participant.first_name">&lt;b&gt;Ewa&lt;/b&gt;</span>' in page


@pytest.mark.parametrize("payload", ["{{ config.SECRET_KEY }}", "{{ ''.__class__.__mro__ }}", "{{ 7*7 }}",
                                     "{{ participant.first_name.upper() }}", "{% for x in range(3) %}x{% endfor %}"])
def test_template_injection_in_the_preview_is_refused_and_named_by_step_and_field(
        app, manager_client, form, case, payload):
    form.update({"sample": case.reference, "steps-1-say": payload})
    response = manager_client.post(PREVIEW, data=form)
    page = text(response)
    assert response.status_code == 422
    assert "step 2 “status” › say:" in page
    assert app.config["SECRET_KEY"] not in page and "49" not in page and "<class" not in page
    assert f'lang="en">{payload}</div>' in page  # refused text shows as the text it is


def test_problems_are_named_by_step_and_field(manager_client, form, case):
    form.update({"sample": case.reference, "steps-2-next": "nowhere", "steps-3-say": "Hi {{ participant.shoe_size }}",
                 "steps-1-ask_type": "choice", "steps-1-options": ""})
    response = manager_client.post(PREVIEW, data=form)
    page = text(response)
    assert response.status_code == 422
    assert "step 3 “count” › next: unknown step 'nowhere'" in page
    assert "step 4 “ordered” › say: unknown merge field {{ participant.shoe_size }}" in page
    assert "step 2 “status” › ask › options:" in page or "step 2 “status” › ask:" in page


def test_a_sample_case_the_manager_cannot_see_is_named_and_shows_no_values(manager_client, form, make):
    other = make.program()
    foreign = make.case(other, participant=make.participant(other, first_name="Obca"))
    page = text(manager_client.post(PREVIEW, data={**form, "sample": foreign.reference}))
    assert f"sample: no case '{foreign.reference}' in your programs" in page
    assert "Obca" not in page and "no sample case" in page


def test_the_preview_needs_the_forms_csrf_token(manager_client, form):
    assert manager_client.post(PREVIEW, data={**form, "csrf_token": "stale"}).status_code == 400


def test_a_value_the_form_refuses_is_named_by_its_field(manager_client, form):
    response = manager_client.post(PREVIEW, data={**form, "steps-1-ask_label": "x" * 201})
    assert response.status_code == 422
    assert "Records (label): Field cannot be longer than 200 characters." in text(response)


def test_agents_get_no_preview(agent_client, program):
    response = agent_client.post(PREVIEW, data={"csrf_token": csrf_token(agent_client, "/cases")})
    assert response.status_code == 403
