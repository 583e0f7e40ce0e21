"""Survey pages: the case panel, the managers' service-recovery list and survey settings, agents' own scores."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.auth.access import manager_required
from helpdesk.database import lock_row, utcnow
from helpdesk.programs.services import get_program
from helpdesk.reports.periods import Period, today_in
from helpdesk.reports.queries import agent_answers, agent_figures
from helpdesk.surveys.forms import LANGUAGES, TEXT_LABELS, FollowUpForm, SurveySettingsForm
from helpdesk.surveys.models import SCALES, Survey
from helpdesk.surveys.recovery import complete_follow_up, get_survey, open_follow_ups, surveys_of_case
from helpdesk.surveys.scheduling import REASONS
from helpdesk.surveys.settings import rules_for, settings_of, update_survey_settings
from helpdesk.surveys.texts import KEYS, MAX_SEGMENTS, SAMPLE_CASE, WARN_SEGMENTS, default_text, measure
from helpdesk.web import run_change, save_form

bp = Blueprint("surveys", __name__)

MY_SCORES_DAYS = 90


def case_panel(case, actor):
    surveys = surveys_of_case(case)
    if not surveys:
        return None
    return {"surveys": surveys, "reasons": REASONS, "form": FollowUpForm(prefix="follow-up")}


@bp.route("/surveys/recovery")
@manager_required
def recovery():
    return render_template("surveys/recovery.html", follow_ups=open_follow_ups(actor=current_user),
                           form=FollowUpForm(prefix="follow-up"))


@bp.post("/surveys/<int:survey_id>/follow-up")
@manager_required
def follow_up_done(survey_id):
    survey = get_survey(survey_id, actor=current_user)
    case_id, reference = survey.case_id, survey.case.reference
    form = FollowUpForm(prefix="follow-up")
    if not form.validate_on_submit():
        flash(_("Write what was done for the participant first."), "error")
    else:
        error = run_change(lambda: complete_follow_up(lock_row(Survey, Survey.id == survey_id), note=form.note.data,
                                                      actor=current_user)).error
        if error is not None:
            flash(_("Not saved: %(reason)s", reason=error.message), "error")
        else:
            flash(_("Follow-up on %(reference)s done.", reference=reference), "success")
    if request.form.get("back") == "recovery":
        return redirect(url_for("surveys.recovery"))
    return redirect(url_for("cases.case_page", case_id=case_id))


@bp.route("/surveys/settings/<code>", methods=["GET", "POST"])
@manager_required
def settings(code):
    program = get_program(code, actor=current_user)
    rules, target = rules_for(program), getattr(settings_of(program), "target", None)
    form = SurveySettingsForm(data={
        "enabled": rules.enabled, "delay_minutes": int(rules.delay.total_seconds() // 60),
        "quiet_hours": "-".join(t.strftime("%H:%M") for t in rules.quiet_hours) if rules.quiet_hours else "",
        "fatigue_days": rules.fatigue.days, "scale": str(rules.scale.top),
        "target": f"{target:g}" if target is not None else "",
        **{f"text_{locale}_{key}": text for locale, own in rules.texts.items() for key, text in own.items()}})
    saved = save_form(form, lambda: update_survey_settings(
        program, enabled=form.enabled.data, delay_minutes=form.delay_minutes.data,
        quiet_hours=form.quiet_hours.data or "", fatigue_days=form.fatigue_days.data, scale=form.scale.data,
        texts=form.texts(), target=form.target.data, actor=current_user))
    if saved:
        flash(_("Survey settings saved."), "success")
        for locale, key, count in long_texts(program, saved.texts):
            flash(_("The %(text)s is %(segments)d SMS segments long; every segment is billed.",
                    text=TEXT_LABELS[key].lower() + f" ({LANGUAGES[locale]})", segments=count.segments), "warning")
        return redirect(url_for("surveys.settings", code=program.code))
    status = 422 if request.method == "POST" else 200
    scale = int(form.scale.data) if form.scale.data in ("5", "10") else rules.scale.top
    defaults = {top: {locale: {key: default_text(locale, key, top) for key in KEYS} for locale in LANGUAGES}
                for top in SCALES}
    limits = {"warn": WARN_SEGMENTS, "max": MAX_SEGMENTS, "case": SAMPLE_CASE}
    return render_template("surveys/settings.html", program=program, form=form, defaults=defaults,
                           form_languages=LANGUAGES, limits=limits, scale=scale), status


def long_texts(program, texts: dict):
    """The program's own texts over ``WARN_SEGMENTS`` segments, as sent: (locale, key, count)."""
    for locale, own in texts.items():
        for key, text in own.items():
            count = measure(text, program.name)
            if count.segments > WARN_SEGMENTS:
                yield locale, key, count


@bp.route("/surveys/mine")
def my_scores():
    """The signed-in user's own scores and comments, as the agent on the resolved cases."""
    today = today_in(current_user.programs[0]) if current_user.programs else utcnow().date()
    period = Period(today - timedelta(days=MY_SCORES_DAYS - 1), today)
    return render_template("surveys/mine.html", figures=agent_figures(current_user, period), period=period,
                           answers=agent_answers(current_user))
