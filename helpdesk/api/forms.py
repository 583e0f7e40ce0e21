from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from helpdesk.api.services import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS

ALL_PROGRAMS = ""


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("Who uses the token, e.g. loyalty-platform."))
    program = SelectField(_l("Program"))
    expires_in_days = IntegerField(_l("Expires in (days)"), default=DEFAULT_LIFETIME_DAYS,
                                   validators=[NumberRange(min=1, max=MAX_LIFETIME_DAYS)])
