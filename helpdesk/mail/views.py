"""The admins' "Mail" page: the weekly report mails (skipped, failed, waiting and sent), and in development the
mails written to the mail folder instead of being sent."""

import re
from email import policy
from email.parser import BytesParser

from flask import Blueprint, render_template
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from helpdesk.auth.access import admin_required
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.mail.transport import mail_folder
from helpdesk.reports.models import MailStatus, WeeklyReportMail

bp = Blueprint("mail", __name__, url_prefix="/admin/mail")

LISTED = 200
_FILE = re.compile(r"^[0-9T]{15}-[0-9a-f]{8}\.eml$")


def _read(path):
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


@bp.route("")
@admin_required
def index():
    attention_first = case((WeeklyReportMail.status.in_((MailStatus.FAILED, MailStatus.SKIPPED)), 0), else_=1)
    mails = db.session.scalars(
        select(WeeklyReportMail).options(joinedload(WeeklyReportMail.program), joinedload(WeeklyReportMail.user))
        .order_by(attention_first, WeeklyReportMail.id.desc()).limit(LISTED))
    folder = mail_folder()
    files = sorted((p for p in folder.glob("*.eml") if _FILE.match(p.name)), reverse=True)[:LISTED] \
        if folder.is_dir() else []
    return render_template("mail/index.html", mails=list(mails), files=[(p.name, _read(p)) for p in files])


@bp.route("/<name>")
@admin_required
def show(name):
    path = mail_folder() / name
    if not _FILE.match(name) or not path.is_file():
        raise NotFound("no such mail")
    message = _read(path)
    text = message.get_body(preferencelist=("plain",))
    return render_template("mail/show.html", name=name, message=message,
                           text=text.get_content() if text is not None else "")
