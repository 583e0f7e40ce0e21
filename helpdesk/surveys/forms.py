from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helpdesk.surveys.settings import MAX_DELAY_MINUTES, MAX_FATIGUE_DAYS, MAX_QUESTION


class SurveySettingsForm(FlaskForm):
    enabled = BooleanField("Send a survey after every resolved case")
    delay_minutes = IntegerField("Delay after resolution (minutes)", validators=[NumberRange(0, MAX_DELAY_MINUTES)],
                                 description="0: at the next dispatch.")
    quiet_hours = StringField("Quiet hours", validators=[Length(max=11)],
                              description="HH:MM-HH:MM in the program's time zone; empty: none.")
    fatigue_days = IntegerField("At most one survey per participant in (days)",
                                validators=[NumberRange(0, MAX_FATIGUE_DAYS)])
    target = StringField(_l("Target average score"), validators=[Length(max=8)],
                         description=_l("Drawn on the dashboard's trend and used by the weekly e-mail; empty: 4.8."))
    question_en = StringField("Question (English)", validators=[Optional(), Length(max=MAX_QUESTION)])
    question_pl = StringField("Question (Polish)", validators=[Optional(), Length(max=MAX_QUESTION)])
    question_ru = StringField("Question (Russian)", validators=[Optional(), Length(max=MAX_QUESTION)])

    def questions(self) -> dict:
        return {locale: getattr(self, f"question_{locale}").data or "" for locale in ("en", "pl", "ru")}


class FollowUpForm(FlaskForm):
    note = TextAreaField("What was done", validators=[DataRequired(), Length(max=5000)])
