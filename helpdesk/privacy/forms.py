from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError


class EraseForm(FlaskForm):
    """Erasing cannot be undone: the manager types the participant's member id to confirm."""

    confirmation = StringField(_l("Type the member id to confirm"), validators=[DataRequired(), Length(max=64)])

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def validate_confirmation(self, field):
        if (field.data or "").strip() != self.expected:
            raise ValidationError(_l("does not match the member id"))
