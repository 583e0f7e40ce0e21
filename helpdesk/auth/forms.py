from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.auth.models import Role
from helpdesk.forms import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class UserForm(FlaskForm):
    """Choices for programs are filled in by the view."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices((r.value, r.label) for r in Role))
    programs = SelectMultipleField(_l("Programs served"), choices=[], coerce=int)
    phone = StringField(_l("Phone for hotline calls"), validators=[Optional(), Length(max=40)],
                        description=_l("The on-duty phone this person answers, with its international prefix "
                                       "(+48…): calls picked up on it show as answered by them."))
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)],
                             description=_l("At least 12 characters, not a common password. Leave empty to keep "
                                         "the current one; a new one signs the user out everywhere."))
    active = BooleanField(_l("Active"), default=True)
