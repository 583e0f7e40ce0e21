from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.cases.categories import category_choices
from helpdesk.forms import choices
from helpdesk.programs.models import LOCALES
from helpdesk.telephony.models import MenuAction
from helpdesk.telephony.segments import MAX_REPLY


class SmsReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply to the participant (SMS)"), validators=[DataRequired(), Length(max=MAX_REPLY)],
                         render_kw={"rows": 3})


class SimulatorForm(FlaskForm):
    """The phone simulator: who calls or texts which hotline, and what they do."""

    program = SelectField(_l("Hotline"), choices=[])
    from_number = StringField(_l("Caller's number"), validators=[DataRequired(), Length(max=64)])
    digits = SelectField(_l("Menu key"), choices=choices([*((key, key) for key in "1234567890"),
                                                      ("", "no key (timeout)")]))
    body = TextAreaField(_l("Text message"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 2})
    transcription = StringField(_l("Voicemail words"), validators=[Optional(), Length(max=500)])


class PhoneMenuOptionForm(FlaskForm):
    """One key of a program's phone menu; the service checks every field (helpdesk.telephony.menu)."""

    digit = StringField(_l("Phone key"), description=_l("0 to 9, each key once."),
                        render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 2})
    action = SelectField(_l("What it does"), choices=choices((action.value, action.label) for action in MenuAction))
    category = SelectField(_l("Case category"), choices=[], default="other",
                           description=_l("Talk to an agent: always Other."))
    text_en = TextAreaField(_l("What callers hear (English)"), render_kw={"rows": 2},
                            description=_l("Name the key, e.g. \"For gift cards, press 3.\""))
    text_pl = TextAreaField(_l("What callers hear (Polish)"), render_kw={"rows": 2},
                            description=_l("Empty: the standard words for its category, else the English ones."))
    text_ru = TextAreaField(_l("What callers hear (Russian)"), render_kw={"rows": 2},
                            description=_l("Empty: the standard words for its category, else the English ones."))
    position = IntegerField(_l("Place in the menu"), validators=[Optional()],
                            description=_l("1 is said first; empty: in the order of the keys, 0 last."))

    def __init__(self, program, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices(program, current=current)

    def texts(self) -> dict:
        return {locale: self[f"text_{locale}"].data or "" for locale in LOCALES}

    def fields(self) -> dict:
        """The option as the service takes it."""
        return {"new_digit": self.digit.data, "action": self.action.data, "category": self.category.data,
                "texts": self.texts(), "position": self.position.data}
