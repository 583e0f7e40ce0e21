"""Every route of ``app.url_map``, walked: who may call it, and that another program's records stay out of reach.

``ROUTES`` classifies each endpoint; a route added to the app fails ``test_every_route_is_classified`` until it
is classified here, and the declared roles must be the ones its decorators enforce. Then, for every route and
method: without credentials it is refused (a redirect to sign-in, 401 without a token, 403 without Twilio's
signature); an agent gets 403 on manager and admin pages and a manager on admin pages; and its arguments filled
with records of another program (built by the factories) answer 404, while the caller's own answer otherwise.
"""

import contextvars
import re
import uuid
from datetime import date

import pytest

from helpdesk.api.services import create_api_token
from helpdesk.auth.models import Role
from helpdesk.cases.categories import add_category
from helpdesk.codes.services import upsert_code
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.programs.special_days import add_special_days
from helpdesk.rewards.orders import upsert_order
from helpdesk.scripts.services.runs import start_run
from helpdesk.telephony.models import Call, Message
from tests.conftest import csrf_token, login
from tests.factories import SYSTEM
from tests.reports.conftest import add_survey
from tests.rewards.conftest import order_fields
from tests.scripts.conftest import DELIVERY, save_script

PUBLIC, SESSION, MANAGER, ADMIN, TOKEN, TWILIO = "public", "session", "manager", "admin", "token", "twilio"
# A page's background requests (its live updates): signed-in staff only, refused with 401 rather than sent to
# the sign-in page.
BACKGROUND = "background"

ROUTES = {
    "static": PUBLIC, "bootstrap.static": PUBLIC, "auth.login": PUBLIC,
    "auth.logout": SESSION, "auth.set_language": SESSION,
    "auth.users": MANAGER, "auth.new_user": MANAGER, "auth.edit_user": MANAGER, "auth.sign_out_everywhere": MANAGER,
    "cases.home": SESSION, "cases.queue": SESSION, "cases.search_page": SESSION, "cases.new_case": SESSION,
    "cases.case_page": SESSION, "cases.add_note": SESSION, "cases.change_case": SESSION, "cases.take": SESSION,
    "cases.link_participant": SESSION, "cases.merge": SESSION,
    "conversations.settings": MANAGER, "conversations.canned": MANAGER, "conversations.edit_canned": MANAGER,
    "conversations.delete_canned": MANAGER,
    "participants.participant_page": SESSION,
    "programs.index": MANAGER, "programs.create": ADMIN, "programs.settings": MANAGER,
    "programs.add_days": MANAGER, "programs.remove_days": MANAGER, "programs.add_category": MANAGER,
    "programs.rename_category": MANAGER, "programs.retire_category": MANAGER,
    "reports.satisfaction": MANAGER, "reports.satisfaction_csv": MANAGER, "reports.this_week": MANAGER,
    "reports.weekly_mail": MANAGER, "reports.all_my_programs": MANAGER, "mail.index": ADMIN, "mail.show": ADMIN,
    "rewards.delivery_cases": SESSION, "rewards.open_case_for_order": SESSION, "rewards.link_case_order": SESSION,
    "rewards.change_issue": SESSION, "rewards.escalate": SESSION, "rewards.vendor_answer": SESSION,
    "rewards.resolve": SESSION, "rewards.problem_rewards_report": MANAGER,
    "imports.upload": MANAGER, "imports.review": MANAGER, "imports.rejected_rows": MANAGER,
    "codes.lookup": SESSION, "codes.record": SESSION,
    "scripts.index": MANAGER, "scripts.script_page": MANAGER, "scripts.export": MANAGER, "scripts.diff": MANAGER,
    "scripts.new": MANAGER, "scripts.edit": MANAGER, "scripts.copy": MANAGER, "scripts.effectiveness": MANAGER,
    "scripts.preview": MANAGER,
    "script_runs.start": SESSION, "script_runs.answer": SESSION, "script_runs.back": SESSION,
    "script_runs.finish": SESSION, "script_runs.restart": SESSION, "script_runs.stop": SESSION,
    "surveys.my_scores": SESSION, "surveys.recovery": MANAGER, "surveys.follow_up_done": MANAGER,
    "surveys.settings": MANAGER,
    "telephony.live": SESSION, "telephony.live_panel": SESSION, "telephony.take": SESSION, "telephony.log": SESSION,
    "telephony.reply": SESSION, "telephony.phone_simulator": ADMIN, "telephony.needs_attention": ADMIN,
    "telephony.retry_text": ADMIN,
    # the option page before its removal: the walk removes its own program's option 1
    "telephony.phone_menu_page": MANAGER, "telephony.phone_menu_option": MANAGER,
    "telephony.remove_phone_menu_option": MANAGER,
    # The probes check their callers themselves: /metrics answers 401 without its token, as the API does.
    "operations.healthz": PUBLIC, "operations.readyz": PUBLIC, "operations.metrics": TOKEN,
    "operations.system": ADMIN,
    "live.events": BACKGROUND, "live.call_bar": BACKGROUND, "live.timeline_entries": BACKGROUND,
    "live.queue_counts": BACKGROUND,
    "api_tokens.index": MANAGER, "api_tokens.create": MANAGER, "api_tokens.revoke": MANAGER,
    **{f"api.{name}": TOKEN for name in (
        "programs_index", "programs_create", "programs_show", "participants_show", "participants_upsert",
        "participants_bulk", "cases_index", "cases_create", "cases_show", "cases_update")},
    **{f"api_reward_orders.reward_orders_{name}": TOKEN for name in ("show", "upsert", "change", "bulk")},
    **{f"api_codes.codes_{name}": TOKEN for name in ("show", "upsert", "bulk")},
    "api_satisfaction.satisfaction_summary": TOKEN, "api_satisfaction.satisfaction_responses": TOKEN,
    "audit.index": MANAGER, "audit.export_csv": MANAGER, "privacy.export": MANAGER, "privacy.erase": MANAGER,
    **{f"api_privacy.{name}": TOKEN for name in ("participant_export", "participant_erase", "audit_events_index")},
    **{f"api_conversations.{name}": TOKEN for name in ("timeline_index", "messages_create", "cases_merge")},
    **{f"twilio.{name}": TWILIO for name in (
        "voice_incoming", "voice_menu", "voice_answered", "voice_dial_result", "voice_recorded", "voice_recording",
        "voice_transcription", "voice_status", "sms_incoming", "sms_status")},
}
ROLES = {MANAGER: {Role.MANAGER, Role.ADMIN}, ADMIN: {Role.ADMIN}}
# Admins see every program, so an admin page's arguments belong to no program another could hold.
NOT_PROGRAM_SCOPED = {"telephony.retry_text", "mail.show"}
ARGUMENT = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>")


class Side:
    """One program's records, one of each kind a route argument can name."""

    def __init__(self, make, imports_dir):
        self.program = make.program()
        self.participant = make.participant(self.program)
        self.case = make.case(self.program, participant=self.participant)
        code = self.program.code
        self.script = save_script(DELIVERY.replace("id: parcel", f"id: parcel-{code.lower()}", 1)
                                  .replace("program: all", f"program: {code}"), SYSTEM).script
        self.run = start_run(self.case, self.script, actor=SYSTEM)
        self.call = Call(call_sid=f"CA{uuid.uuid4().hex}", program_id=self.program.id,
                         participant_id=self.participant.id, case_id=self.case.id, from_number=self.participant.phone,
                         to_number=self.program.hotline_number, status="in-progress", started_at=utcnow())
        self.order, _ = upsert_order(self.program, f"ORD-{code}", order_fields(self.participant), actor=SYSTEM,
                                     source="test")
        self.survey = add_survey(make.case(self.program, participant=self.participant), sent_at=utcnow(), score=1,
                                 comment="Nobody called back")
        self.token, _ = create_api_token(f"crm-{code}", self.program, actor=SYSTEM)
        self.user = make.user(programs=[self.program])
        self.canned_reply = make.canned_reply(self.program)
        self.special_days = add_special_days(self.program, starts_on=date(2026, 12, 24), ends_on=None, hours="",
                                             note="", actor=SYSTEM)
        self.category = add_category(self.program, names={"en": f"Parcel {code}"}, reported_as="reward_delivery",
                                     actor=SYSTEM)
        self.message = Message(program=self.program, direction="inbound", from_number=self.participant.phone,
                               to_number=self.program.hotline_number, body="Hello", status="failed")
        db.session.add_all([self.call, self.message])
        db.session.flush()
        self.code, _ = upsert_code(self.program, f"CODE-{code}", {"status": "valid"}, actor=SYSTEM)
        self.upload = f"{self.program.id}-participants-{uuid.uuid4().hex}.csv"
        (imports_dir / self.upload).write_text("Nr uczestnika,Imię\nP-1,Ala\n")
        (imports_dir / f"{self.upload}.rejected.csv").write_text("line,reason\n")

    def argument(self, name: str) -> str:
        return str({
            "case_id": self.case.id, "run_id": self.run.id, "call_id": self.call.id, "message_id": self.message.id,
            "participant_id": self.participant.id, "order_id": self.order.id, "script_id": self.script.id,
            "number": 1, "survey_id": self.survey.id, "user_id": self.user.id, "token_id": self.token.id,
            "special_days_id": self.special_days.id, "canned_id": self.canned_reply.id, "digit": "1",
            "category": f"custom:{self.category.id}",
            "code": self.program.code, "external_id": self.participant.external_id,
            "order_ref": self.order.order_ref, "upload": self.upload, "value": self.code.value,
            "filename": "missing.css", "name": "missing.eml",
        }[name])

    def form(self) -> dict[str, str]:
        """Form fields that name records, for the routes that take them from the form."""
        return {"order_id": str(self.order.id), "script_id": str(self.script.id)}

    def path(self, rule) -> str:
        return ARGUMENT.sub(lambda match: self.argument(match[1]), rule.rule)


@pytest.fixture
def world(app, make, tmp_path, monkeypatch):
    """Program A (the caller's) and program B (another), each with one record of every kind."""
    monkeypatch.setitem(app.config, "IMPORTS_DIR", str(tmp_path))
    ours, theirs = Side(make, tmp_path), Side(make, tmp_path)
    db.session.commit()
    return ours, theirs


def rules_of(app, endpoint: str):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]


def requests_of(app, endpoint: str):
    """(rule, method) for every way the endpoint is reached."""
    return [(rule, method) for rule in rules_of(app, endpoint) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


class Caller:
    """Sends each request as a browser would (the CSRF token with every POST) or as an API client (a token).

    Each request runs in a context of its own, as in production: the signed-in user Flask-Login keeps on the
    application context would otherwise carry over from one caller to the next."""

    def __init__(self, client, *, user=None, token: str | None = None):
        self.client, self.token = client, token
        db.session.commit()
        if user is not None:
            db.session.refresh(user)  # loaded here: the request's context has no session of the test's
            contextvars.Context().run(login, client, user)
        self.csrf = contextvars.Context().run(csrf_token, client, "/cases" if user is not None else "/login")

    def send(self, method: str, path: str, form: dict | None = None):
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            return contextvars.Context().run(self.client.open, path, method=method, headers=headers, json={},
                                             buffered=True)
        data = {**(form or {}), "csrf_token": self.csrf}
        # buffered: a streamed answer (an export) is read within the request's own context
        return contextvars.Context().run(self.client.open, path, method=method, data=data, buffered=True)


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "classify the new routes in ROUTES"
    assert set(ROUTES) - endpoints == set(), "remove the routes that no longer exist from ROUTES"


def test_the_declared_roles_are_the_ones_the_decorators_enforce(app):
    for endpoint, access in ROUTES.items():
        enforced = getattr(app.view_functions[endpoint], "required_roles", None)
        assert enforced == (frozenset(ROLES[access]) if access in ROLES else None), endpoint


def test_without_credentials_every_route_is_refused(app, client, world):
    ours, _ = world
    anonymous, wrong = Caller(client), []
    for endpoint, access in ROUTES.items():
        if access == PUBLIC:
            continue
        expected = {TOKEN: 401, TWILIO: 403, BACKGROUND: 401}.get(access, 302)
        for rule, method in requests_of(app, endpoint):
            response = anonymous.send(method, ours.path(rule))
            signed_in = response.status_code != 302 or response.headers["Location"].startswith("/login")
            if response.status_code != expected or not signed_in:
                wrong.append((method, rule.rule, response.status_code))
    assert wrong == []


def test_a_role_below_the_routes_gets_403(app, make, world):
    ours, _ = world
    callers = {role: Caller(app.test_client(), user=make.user(role=role, programs=[ours.program]))
               for role in ("agent", "manager")}
    wrong, checked = [], 0
    for endpoint, access in ROUTES.items():
        for role in {MANAGER: ["agent"], ADMIN: ["agent", "manager"]}.get(access, []):
            for rule, method in requests_of(app, endpoint):
                response = callers[role].send(method, ours.path(rule))
                checked += 1
                if response.status_code != 403:
                    wrong.append((role, method, rule.rule, response.status_code))
    assert wrong == [] and checked > 30


def test_another_programs_records_answer_404_and_ones_own_do_not(app, make, world):
    """The least role a route allows, serving program A (an API token scoped to A), names program B's records."""
    ours, theirs = world
    token = create_api_token("walker", ours.program, actor=SYSTEM)[1]
    callers = {access: Caller(app.test_client(), user=make.user(role=role, programs=[ours.program]), token=token)
               for access, role in ((SESSION, "agent"), (MANAGER, "manager"), (TOKEN, "agent"))}
    callers[BACKGROUND] = callers[SESSION]
    wrong, checked = [], 0
    for endpoint, access in ROUTES.items():
        if access not in callers or endpoint in NOT_PROGRAM_SCOPED:
            continue
        for rule, method in requests_of(app, endpoint):
            if not rule.arguments:
                continue
            foreign = callers[access].send(method, theirs.path(rule), theirs.form())
            own = callers[access].send(method, ours.path(rule), ours.form())
            checked += 1
            if foreign.status_code != 404 or own.status_code in (403, 404, 500):
                wrong.append((method, rule.rule, foreign.status_code, own.status_code))
    assert wrong == [] and checked > 30
