"""The weekly report e-mail: one per manager and week, in their language, with the week's figures; sent once
however many workers run; retried when the SMTP server refuses, times out or drops the connection."""

import socket
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from helpdesk.auth.models import User
from helpdesk.database import utcnow
from helpdesk.extensions import db
from helpdesk.jobs.weekly_reports import send_weekly_reports
from helpdesk.reports.mailing import reported_week
from helpdesk.reports.models import MailStatus, WeeklyReportMail
from helpdesk.rewards.delivery import open_delivery_case
from helpdesk.rewards.orders import upsert_order
from tests import factories
from tests.conftest import build_app, login
from tests.factories import SYSTEM
from tests.mail.conftest import Controller, Recorder, free_port, html_of, text_of
from tests.reports.conftest import add_survey
from tests.rewards.conftest import order_fields


def build_week(make, program, agent):
    """The week due now: 6 cases, 6 surveys answered 5,4,2,5,4 and one not, one case past its first-response
    deadline; the week before: 2 cases answered 5,5; 5 headphone orders, one of them with a delivery case."""
    tz = ZoneInfo(program.timezone)
    monday = reported_week(program, utcnow())
    far = utcnow() + timedelta(days=365)
    for days_back, scores in ((0, [5, 4, 2, 5, 4, None]), (7, [5, 5])):
        for n, score in enumerate(scores):
            sent_at = datetime.combine(monday - timedelta(days=days_back - 1), time(12), tz)
            case = make.case(program, category="points")
            case.created_at = sent_at - timedelta(hours=3)
            late = days_back == 0 and n == 0
            case.first_response_due_at = sent_at if late else far
            case.resolution_due_at = far
            add_survey(case, sent_at=sent_at, score=score, agent=agent,
                       comment="Nobody told me <b>anything</b>" if score == 2 else None)
    participant = make.participant(program)
    orders = [headphone_order(program, participant, datetime.combine(monday, time(9), tz), n) for n in range(5)]
    open_delivery_case(orders[0], issue_type="not_delivered", actor=SYSTEM)
    db.session.flush()
    return monday


def headphone_order(program, participant, ordered_at, n):
    order, _ = upsert_order(program, f"W-{program.code}-{n}", order_fields(
        participant, ordered_at=ordered_at.isoformat(), vendor="GadgetHub"), actor=SYSTEM, source="test")
    return order


@pytest.fixture
def week(make):
    program = make.program(country="PL", name="Bonus Club")
    other = make.program(country="RU", name="Клуб")
    managers = {language: make.user(role="manager", programs=[program], name=f"Manager {language}")
                for language in ("pl", "ru", "en")}
    for language, user in managers.items():
        user.language = language
    make.user(role="agent", programs=[program])
    retired = make.user(role="manager", programs=[program])
    retired.active = False
    stranger = make.user(role="manager", programs=[other], name="Other manager")
    monday = build_week(make, program, make.user(role="agent", programs=[program], name="Anna Points"))
    db.session.commit()
    return program, managers, stranger, monday


def test_each_manager_gets_one_mail_in_their_language_with_the_weeks_figures(app, smtp_server, week):
    program, managers, stranger, monday = week
    assert send_weekly_reports() == {"sent": 4, "retry": 0}
    assert len(smtp_server.connections) == 1  # one connection for the pass
    mails = smtp_server.by_recipient()
    assert set(mails) == {user.email for user in managers.values()} | {stranger.email}
    for language, user in managers.items():
        mail = mails[user.email]
        assert mail["Content-Language"] == language and f'<html lang="{language}">' in html_of(mail)
        start, end = monday, monday + timedelta(days=6)
        assert mail["Subject"] == {"en": f"Weekly report: Bonus Club, {start} to {end}",
                                   "pl": f"Raport tygodniowy: Bonus Club, od {start} do {end}",
                                   "ru": f"Еженедельный отчёт: Bonus Club, с {start} по {end}"}[language]
    polish = text_of(mails[managers["pl"].email])
    for line in ("- Średnia ocena (1–5): 4,00 (cel 4,80, w poprzednim tygodniu 5,00) PONIŻEJ CELU",
                 "- Wysłane ankiety: 6 (4 tygodnie wcześniej: 0,5)",
                 "- Nagroda: Wireless headphones: 200,0 spraw dostawy na 1000 zamówień (1 z 5)"):
        assert line in polish.splitlines(), line
    assert 'data-figure="average">4,00<' in html_of(mails[managers["pl"].email])
    text = text_of(mails[managers["en"].email])
    for line in ("- Average score (1–5): 4.00 (target 4.80, last week 5.00) BELOW TARGET",
                 "- CSAT (4–5): 80 % (last week 100 %)",
                 "- Response rate: 83 % (last week 100 %), 5 answers to 6 surveys",
                 "- Opened: 6 (last week 2)",
                 "- SLA breaches: 1 (last week 0)",
                 "- Points cases opened: 6 (4 weeks before: 0.5)",
                 "- Surveys sent: 6 (4 weeks before: 0.5)",
                 "Low scores waiting for a call back: 1",
                 "- Reward: Wireless headphones: 200.0 delivery cases per 1,000 orders (1 of 5)",
                 "- Vendor: GadgetHub: 200.0 delivery cases per 1,000 orders (1 of 5)"):
        assert line in text.splitlines(), line
    assert text.count("\n- ") >= 3 and "Nobody told me <b>anything</b>" in text
    html = html_of(mails[managers["en"].email])
    assert "Nobody told me &lt;b&gt;anything&lt;/b&gt;" in html and 'data-figure="average">4.00<' in html
    # the stranger chose no language: their program's (Russian)
    assert "Клуб" in mails[stranger.email]["Subject"]
    assert "Существенных изменений нет." in text_of(mails[stranger.email])


def test_the_next_pass_sends_nothing_again(app, smtp_server, week):
    send_weekly_reports()
    assert send_weekly_reports() == {"sent": 0, "retry": 0}
    assert len(smtp_server.messages) == 4
    rows = db.session.scalars(select(WeeklyReportMail)).all()
    assert {(row.status, row.attempts) for row in rows} == {(MailStatus.SENT, 1)}


def test_a_manager_without_an_email_address_is_skipped_and_listed(app, smtp_server, week, client, make):
    program, managers, _, _ = week
    db.session.execute(update(User).where(User.id == managers["en"].id).values(email=""))
    db.session.commit()
    assert send_weekly_reports() == {"sent": 3, "retry": 0}
    row = db.session.scalar(select(WeeklyReportMail).where(WeeklyReportMail.user_id == managers["en"].id))
    assert (row.status, row.last_error) == (MailStatus.SKIPPED, "no e-mail address")
    login(client, make.user(role="admin"))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Manager en" in page and 'data-status="skipped"' in page and "no e-mail address" in page


def refusing_server(behaviour):
    """A loopback server that accepts connections and then ``behaviour(connection)``; its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve():
        try:
            while True:
                connection, _ = listener.accept()
                behaviour(connection)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return listener


def silent(connection):
    threading.Timer(5, connection.close).start()  # never greets: the client times out first


@pytest.mark.parametrize("fault", ["refused", "timed out", "dropped"])
def test_an_smtp_failure_is_retried_later_without_a_duplicate(app, smtp_server, week, monkeypatch, fault):
    listener = None
    if fault == "refused":
        smtp_server.refuse = 2
    else:
        listener = refusing_server(silent if fault == "timed out" else lambda connection: connection.close())
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{listener.getsockname()[1]}")
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 0.3)
    before = utcnow()
    totals = send_weekly_reports()
    assert totals["retry"] >= 1
    failed = db.session.scalars(select(WeeklyReportMail).where(WeeklyReportMail.status == MailStatus.PENDING)).all()
    assert failed and all(row.attempts == 1 and row.last_error and row.next_attempt_at > before + timedelta(minutes=4)
                          for row in failed)
    assert send_weekly_reports() == {"sent": 0, "retry": 0}  # not due again yet
    if listener is not None:
        listener.close()
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    db.session.execute(update(WeeklyReportMail).values(next_attempt_at=utcnow()))
    db.session.commit()
    send_weekly_reports()
    assert sorted(message["To"] for message in smtp_server.messages) == sorted(
        db.session.scalars(select(User.email).join(WeeklyReportMail, WeeklyReportMail.user_id == User.id)))
    assert {row.status for row in db.session.scalars(select(WeeklyReportMail))} == {MailStatus.SENT}


@pytest.fixture
def racing_app(fresh_database, tmp_path):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = build_app(fresh_database("_weekly_mail"), SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
    with app.app_context():
        program = factories.program(country="PL")
        for _ in range(5):
            factories.user(role="manager", programs=[program])
        build_week(factories, program, None)
        db.session.commit()
    yield app, recorder
    controller.stop()
    with app.app_context():
        db.engine.dispose()


def test_two_workers_running_together_send_each_mail_once(racing_app):
    app, recorder = racing_app
    start, totals = threading.Barrier(2), []

    def worker():
        with app.app_context():
            start.wait()
            totals.append(send_weekly_reports())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(t["sent"] for t in totals) == 5 and len(recorder.messages) == 5
    assert len({message["To"] for message in recorder.messages}) == 5


@pytest.mark.parametrize(("now", "week"), [
    (datetime(2026, 3, 16, 6, 59, tzinfo=ZoneInfo("UTC")), "2026-03-02"),  # Monday 07:59 in Warsaw: not yet
    (datetime(2026, 3, 16, 7, 0, tzinfo=ZoneInfo("UTC")), "2026-03-09"),  # Monday 08:00 in Warsaw
    (datetime(2026, 3, 22, 22, 0, tzinfo=ZoneInfo("UTC")), "2026-03-09"),  # Sunday night: still that week's
])
def test_the_report_of_a_week_is_due_on_the_monday_after_at_eight_in_the_programs_timezone(make, now, week):
    assert reported_week(make.program(country="PL"), now).isoformat() == week
    moscow = make.program(country="RU")  # UTC+3: 08:00 there is 05:00 UTC
    assert reported_week(moscow, datetime(2026, 3, 16, 5, 0, tzinfo=ZoneInfo("UTC"))).isoformat() == "2026-03-09"
