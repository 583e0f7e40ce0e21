from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CaseCodeForm(FlaskForm):
    value = StringField(_l("Code"), validators=[DataRequired(), Length(max=64)])
