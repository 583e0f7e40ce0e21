"""The weekly report on demand: the preview page, ``flask reports send-weekly``, and the admins' Mail page."""

from datetime import timedelta

from sqlalchemy import update

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.reports.periods import today_in
from helpdesk.reports.weekly_report import last_full_week
from tests.conftest import login
from tests.mail.conftest import text_of
from tests.reports.test_weekly_mail import build_week


def test_the_preview_shows_the_last_full_week_as_the_mail_would_be_sent(client, make):
    program = make.program(name="Bonus <Club>")
    manager = make.user(role="manager", programs=[program])
    manager.language = "en"  # the preview is in the viewer's language
    build_week(make, program, None)
    login(client, manager)
    page = client.get(f"/reports/weekly-mail?program={program.code}").get_data(as_text=True)
    assert "Weekly report: Bonus &lt;Club&gt;" in page and 'id="weekly-report"' in page
    assert "Nobody told me &lt;b&gt;anything&lt;/b&gt;" in page and 'id="mail-text"' in page


def test_send_weekly_sends_the_last_full_week_to_the_managers_and_lists_the_skipped(app, runner, make, smtp_server):
    program, other = make.program(code="BONUS"), make.program(code="OTHER")
    managers = [make.user(role="manager", programs=[program]) for _ in range(2)]
    make.user(role="manager", programs=[other])
    db.session.execute(update(User).where(User.id == managers[1].id).values(email="not an address"))
    db.session.commit()
    result = runner.invoke(args=["reports", "send-weekly", "--program", "BONUS"])
    assert result.exit_code == 0, result.output
    assert f"BONUS: sent to {managers[0].email}" in result.output
    assert f"BONUS: skipped {managers[1].name}: no e-mail address" in result.output
    (message,) = smtp_server.messages
    monday = last_full_week(today_in(program))
    # in the program's language (Polish), the managers having chosen none
    assert message["Subject"] == f"Raport tygodniowy: {program.name}, od {monday} do {monday + timedelta(days=6)}"


def test_send_weekly_to_an_address_and_a_failure_exits_non_zero(app, runner, make, smtp_server, monkeypatch):
    make.program(code="BONUS", locale="en")
    db.session.commit()
    result = runner.invoke(args=["reports", "send-weekly", "--program", "BONUS", "--to", "boss@example.com"])
    assert result.exit_code == 0 and [m["To"] for m in smtp_server.messages] == ["boss@example.com"]
    assert "Cases" in text_of(smtp_server.messages[0])
    smtp_server.refuse = 1
    result = runner.invoke(args=["reports", "send-weekly", "--program", "BONUS", "--to", "boss@example.com"])
    assert result.exit_code == 1 and "not sent to boss@example.com" in result.output and "1 not sent" in result.output
    assert runner.invoke(args=["reports", "send-weekly", "--program", "NOPE"]).exit_code == 1


def test_in_development_the_mails_are_listed_and_shown_to_admins(app, client, make, runner, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "DEVELOPMENT", True)
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    make.program(code="BONUS", name="Bonus <Club>", locale="en")
    db.session.commit()
    assert runner.invoke(args=["reports", "send-weekly", "--to", "boss@example.com"]).exit_code == 0
    (written,) = tmp_path.glob("*.eml")
    login(client, make.user(role="admin"))
    listing = client.get("/admin/mail").get_data(as_text=True)
    assert "boss@example.com" in listing and "Weekly report: Bonus &lt;Club&gt;" in listing
    shown = client.get(f"/admin/mail/{written.name}").get_data(as_text=True)
    assert "Weekly report: Bonus &lt;Club&gt;" in shown and "Response rate" in shown
    assert client.get("/admin/mail/..%2Fsecret_key").status_code == 404
    assert client.get("/admin/mail/20260101T000000-deadbeef.eml").status_code == 404
