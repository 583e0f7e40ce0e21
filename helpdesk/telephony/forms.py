from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.forms import choices
from helpdesk.telephony.segments import MAX_REPLY


class SmsReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply to the participant (SMS)"), validators=[DataRequired(), Length(max=MAX_REPLY)],
                         render_kw={"rows": 3})


class SimulatorForm(FlaskForm):
    """The phone simulator: who calls or texts which hotline, and what they do."""

    program = SelectField(_l("Hotline"), choices=[])
    from_number = StringField(_l("Caller's number"), validators=[DataRequired(), Length(max=64)])
    digits = SelectField(_l("Menu key"), choices=choices([("1", "1 reward delivery"), ("2", "2 points and account"),
                                                      ("0", "0 anything else"), ("", "no key (timeout)")]))
    body = TextAreaField(_l("Text message"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 2})
    transcription = StringField(_l("Voicemail words"), validators=[Optional(), Length(max=500)])
