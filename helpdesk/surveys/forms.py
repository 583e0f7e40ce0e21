from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helpdesk.forms import choices
from helpdesk.surveys.settings import MAX_DELAY_MINUTES, MAX_FATIGUE_DAYS
from helpdesk.surveys.texts import KEYS, MAX_TEXT

LANGUAGES = {"en": _l("English"), "pl": _l("Polish"), "ru": _l("Russian")}
TEXT_LABELS = {"question": _l("Question"), "re_ask": _l("Asked again when the reply holds no score"),
               "thanks": _l("Thanks for the score"), "comment_thanks": _l("Thanks for a comment"),
               "opt_out": _l("Opt-out confirmation")}


class SurveySettingsForm(FlaskForm):
    enabled = BooleanField(_l("Send a survey after every resolved case"))
    delay_minutes = IntegerField(_l("Delay after resolution (minutes)"), validators=[NumberRange(0, MAX_DELAY_MINUTES)],
                                 description=_l("0: at the next dispatch."))
    quiet_hours = StringField(_l("Quiet hours"), validators=[Length(max=11)],
                              description=_l("HH:MM-HH:MM in the program's time zone; empty: none."))
    fatigue_days = IntegerField(_l("At most one survey per participant in (days)"),
                                validators=[NumberRange(0, MAX_FATIGUE_DAYS)])
    scale = RadioField(_l("Rating scale"), choices=choices([("5", _l("1 to 5 (CSAT)")),
                                                            ("10", _l("0 to 10 (CSAT and NPS)"))]),
                       default="5")
    target = StringField(_l("Target average score"), validators=[Length(max=8)],
                         description=_l("Drawn on the dashboard's trend and used by the weekly e-mail; "
                                        "empty: 4.8 on the 1 to 5 scale, 9.5 on 0 to 10."))

    def texts(self) -> dict:
        """locale -> text key -> what the manager wrote ("" for the standard text)."""
        return {locale: {key: self[f"text_{locale}_{key}"].data or "" for key in KEYS} for locale in LANGUAGES}

    def text_fields(self, locale: str) -> list:
        return [self[f"text_{locale}_{key}"] for key in KEYS]


for _locale, _language in LANGUAGES.items():
    for _key in KEYS:
        setattr(SurveySettingsForm, f"text_{_locale}_{_key}", TextAreaField(
            _l("%(text)s (%(language)s)", text=TEXT_LABELS[_key], language=_language),
            validators=[Optional(), Length(max=MAX_TEXT)]))


class FollowUpForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=5000)])
