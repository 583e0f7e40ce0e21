"""The upload form; the preview's mapping is read from its column selects by the view (their number follows the
file)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField

from helpdesk.forms import choices
from helpdesk.imports.kinds import KINDS


class UploadForm(FlaskForm):
    program = SelectField(_l("Program"), choices=[])
    kind = SelectField(_l("File of"), choices=choices((kind.name, kind.label) for kind in KINDS.values()))
    file = FileField(_l("CSV or Excel workbook (.xlsx)"), validators=[
        FileRequired(), FileAllowed(["csv", "txt", "tsv", "xlsx", "xlsm", "xls"], _l("must be CSV or .xlsx"))])
