"""The weekly report by e-mail: who gets it, when, in which language, and the steps of sending it once.

Every Monday at ``WEEKLY_REPORT_HOUR`` (08:00) in a program's timezone, the report of the week that ended is due
for each active manager of the program. The steps, each a unit of work of :mod:`helpdesk.jobs.weekly_reports`,
only flush, as the SMS outbox's do:

1. :func:`schedule_weekly_mails`: a row per program, manager and week, inserted or ignored (unique), so two
   workers insert it once; a manager without a usable address gets a ``skipped`` row, listed for admins;
2. :func:`claim_weekly_mail`: the next due row becomes ``sending`` with a lease, so no other worker takes it;
3. the mail is rendered and handed to the transport with no transaction open;
4. :func:`record_sent` or :func:`record_failure` (retried later, with a growing pause, up to
   ``MAIL_MAX_ATTEMPTS``) on the row, if this worker still holds it.

A worker that dies between 3 and 4 leaves the row ``sending``; it is sent again once the lease runs out (SMTP has
no way to ask whether a mail went out), so that one mail may arrive twice, never more.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, tuple_, update

from helpdesk.auth.models import Role, User, user_programs
from helpdesk.database import insert_or_ignore, skip_locked
from helpdesk.extensions import db
from helpdesk.i18n import LANGUAGES
from helpdesk.mail.transport import Mail
from helpdesk.programs.models import Program
from helpdesk.reports.models import MailStatus, WeeklyReportMail
from helpdesk.reports.periods import today_in
from helpdesk.reports.weekly_report import WeeklyReport, last_full_week, weekly_report

CLAIM_LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def reported_week(program: Program, now: datetime) -> date:
    """The Monday of the week whose report is due by ``now``: the week before the last Monday at 08:00 local."""
    tz = ZoneInfo(program.timezone)
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, time(current_app.config["WEEKLY_REPORT_HOUR"]), tz):
        monday -= timedelta(days=7)
    return monday - timedelta(days=7)


def has_address(user: User) -> bool:
    return bool(user.email and _ADDRESS.match(user.email))


def managers_of(program_ids) -> dict[int, list[User]]:
    """The active managers of each program, by program id (admins see every program but manage none)."""
    rows = db.session.execute(
        select(user_programs.c.program_id, User).join(User, User.id == user_programs.c.user_id)
        .where(user_programs.c.program_id.in_(program_ids), User.role == Role.MANAGER, User.active.is_(True))
        .order_by(User.id))
    managers: dict[int, list[User]] = {}
    for program_id, user in rows:
        managers.setdefault(program_id, []).append(user)
    return managers


def missing_weekly_mails(now: datetime) -> list[dict]:
    """The rows the weeks due by ``now`` still lack (a read: inserting them is :func:`schedule_weekly_mails`)."""
    programs = list(db.session.scalars(select(Program)))
    weeks = {program.id: reported_week(program, now) for program in programs}
    managers = managers_of(list(weeks))
    wanted = {(program_id, user.id, weeks[program_id]): user for program_id, users in managers.items()
              for user in users}
    if not wanted:
        return []
    have = set(db.session.execute(
        select(WeeklyReportMail.program_id, WeeklyReportMail.user_id, WeeklyReportMail.week)
        .where(WeeklyReportMail.week >= min(weeks.values()),
               tuple_(WeeklyReportMail.program_id, WeeklyReportMail.week).in_(list(weeks.items())))).all())
    return [{"program_id": program_id, "user_id": user_id, "week": week, "next_attempt_at": now, "attempts": 0,
             "created_at": now, "status": MailStatus.PENDING if has_address(user) else MailStatus.SKIPPED,
             "last_error": None if has_address(user) else "no e-mail address"}
            for (program_id, user_id, week), user in wanted.items() if (program_id, user_id, week) not in have]


def schedule_weekly_mails(rows: list[dict]) -> None:
    """Insert the rows :func:`missing_weekly_mails` found; those another worker inserted meanwhile are ignored."""
    table = WeeklyReportMail.__table__
    db.session.execute(insert_or_ignore(table, table.c.program_id, table.c.user_id, table.c.week), rows)


@dataclass(frozen=True)
class MailClaim:
    mail_id: int
    until: datetime
    attempts: int


def _due(now: datetime):
    return (select(WeeklyReportMail)
            .where(WeeklyReportMail.status.in_((MailStatus.PENDING, MailStatus.SENDING)),
                   WeeklyReportMail.next_attempt_at <= now)
            .order_by(WeeklyReportMail.next_attempt_at, WeeklyReportMail.id).limit(1))


def any_mail_due(now: datetime) -> bool:
    """A read, so that a pass with nothing to send takes no write lock."""
    return db.session.scalar(_due(now).with_only_columns(WeeklyReportMail.id)) is not None


def claim_weekly_mail(now: datetime) -> MailClaim | None:
    """Take the next due mail (new, a retry, or one whose worker died) until the lease ends; None if none."""
    row = db.session.scalars(skip_locked(_due(now)).execution_options(populate_existing=True)).one_or_none()
    if row is None:
        return None
    row.status, row.next_attempt_at, row.attempts = MailStatus.SENDING, now + CLAIM_LEASE, row.attempts + 1
    db.session.flush()
    return MailClaim(row.id, row.next_attempt_at, row.attempts)


def _still_held(claim: MailClaim):
    return update(WeeklyReportMail).where(
        WeeklyReportMail.id == claim.mail_id, WeeklyReportMail.status == MailStatus.SENDING,
        WeeklyReportMail.next_attempt_at == claim.until).execution_options(synchronize_session=False)


def record_sent(claim: MailClaim, to: str, now: datetime) -> bool:
    """False when the lease ran out and another worker holds the mail now."""
    return bool(db.session.execute(_still_held(claim).values(
        status=MailStatus.SENT, sent_to=to, sent_at=now, last_error=None)).rowcount)


def record_failure(claim: MailClaim, error: str, now: datetime) -> bool:
    """Due again after a pause that doubles with each attempt, or given up after ``MAIL_MAX_ATTEMPTS``."""
    if claim.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        values = {"status": MailStatus.FAILED}
    else:
        values = {"status": MailStatus.PENDING,
                  "next_attempt_at": now + min(FIRST_RETRY * 2 ** (claim.attempts - 1), LONGEST_RETRY)}
    return bool(db.session.execute(_still_held(claim).values(last_error=error[:1000], **values)).rowcount)


def language_of(user: User | None, program: Program) -> str:
    for language in (user.language if user else None, program.locale):
        if language in LANGUAGES:
            return language
    return LANGUAGES[0]


def links_for(program: Program) -> dict[str, str]:
    """Absolute links to the program's pages, when ``PUBLIC_BASE_URL`` says where the app is served."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return {}
    adapter = current_app.url_map.bind(base.split("://", 1)[-1].rstrip("/"), url_scheme=base.split("://", 1)[0])
    return {name: adapter.build(endpoint, {"program": program.code}, force_external=True)
            for name, endpoint in (("dashboard", "reports.satisfaction"), ("this_week", "reports.this_week"),
                                   ("recovery", "surveys.recovery"))}


def render_weekly_mail(report: WeeklyReport, to: str, language: str) -> Mail:
    """The report as an e-mail in ``language``: HTML with its plain-text part."""
    with force_locale(language):
        context = {"report": report, "links": links_for(report.program), "language": language}
        subject = _("Weekly report: %(program)s, %(start)s to %(end)s", program=report.program.name,
                    start=report.week.start.isoformat(), end=report.week.end.isoformat())
        return Mail(to=to, subject=subject, text=render_template("reports/mail/weekly.txt", **context),
                    html=render_template("reports/mail/weekly.html", subject=subject, **context), language=language)


def weekly_mail_of(claim: MailClaim, now: datetime, latest: dict) -> Mail:
    """The claimed mail, rendered. ``latest`` keeps the last report computed: a program's managers are claimed
    one after the other, and their mails share it."""
    row = db.session.get(WeeklyReportMail, claim.mail_id)
    key = (row.program_id, row.week)
    if key not in latest:
        latest.clear()
        latest[key] = weekly_report(row.program, row.week, now)
    return render_weekly_mail(latest[key], row.user.email, language_of(row.user, row.program))


def report_on_demand(program: Program, now: datetime) -> WeeklyReport:
    """The report of the last full week, for the preview page and ``reports send-weekly``."""
    return weekly_report(program, last_full_week(today_in(program, now)), now)
