from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from helpdesk.conversations.canned import MAX_TITLE
from helpdesk.conversations.settings import MAX_REOPEN_DAYS, MAX_SURVEY_WAIT_DAYS, NOTICES
from helpdesk.forms import choices
from helpdesk.programs.models import LOCALES
from helpdesk.surveys.forms import LANGUAGES
from helpdesk.telephony.segments import MAX_MESSAGE


class ConversationSettingsForm(FlaskForm):
    reopen_days = IntegerField(_l("A text reopens a case resolved up to (days) ago"),
                               validators=[NumberRange(0, MAX_REOPEN_DAYS)],
                               description=_l("Later, or 0: the text opens a new case."))
    acknowledge_en = BooleanField(_l("Acknowledge a text that opens a case, in English"))
    acknowledge_pl = BooleanField(_l("… in Polish"))
    acknowledge_ru = BooleanField(_l("… in Russian"))
    notify_shipped = BooleanField(_l("Text the participant when an order ships (with the tracking link)"))
    notify_reshipped = BooleanField(_l("Text the participant when an agent records a reshipment"))
    notify_delivered = BooleanField(_l("Text the participant when an order is delivered"))
    survey_wait_days = IntegerField(_l("A reward-delivery case's survey waits for the delivery at most (days)"),
                                    validators=[NumberRange(0, MAX_SURVEY_WAIT_DAYS)])

    def acknowledge(self) -> list[str]:
        return [locale for locale in LOCALES if getattr(self, f"acknowledge_{locale}").data]

    def notices(self) -> list[str]:
        return [name for name in NOTICES if getattr(self, f"notify_{name}").data]


class CannedReplyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)],
                        description=_l("What agents pick it by; unique per language."))
    language = SelectField(_l("Language"), choices=choices(LANGUAGES.items()))
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=MAX_MESSAGE)], render_kw={"rows": 4})
