"""Files as Polish and Russian programs export them: CSV in each encoding and delimiter, Excel workbooks."""

import csv
import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from helpdesk.extensions import db
from helpdesk.imports.engine import RejectedRows, import_file
from helpdesk.imports.kinds import KINDS
from tests.factories import SYSTEM


def csv_file(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def xlsx_file(sheets: dict[str, list[list]], *, merged: dict[str, list[str]] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(name, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_formula(xlsx: bytes, cell: str, formula: str, value) -> bytes:
    """The workbook with ``cell`` a formula whose value Excel computed and saved (openpyxl cannot compute)."""
    source, target = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start) + 4
                data = (text[:start] + f'<c r="{cell}"><f>{formula}</f><v>{value}</v></c>' + text[end:]).encode()
            out.writestr(item, data)
    return target.getvalue()


def with_macros(xlsx: bytes) -> bytes:
    buffer = io.BytesIO(xlsx)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buffer.getvalue()


class Rejected(RejectedRows):
    """Rejected rows kept in memory, readable as dicts."""

    def __init__(self):
        self.buffer = io.StringIO()
        super().__init__(lambda: self.buffer)

    def rows(self) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.buffer.getvalue())))


def run_import(kind: str, program, data: bytes, filename: str = "file.csv", **options):
    """The summary and the rejected rows of importing ``data``."""
    rejected = Rejected()
    summary = import_file(KINDS[kind], program, io.BytesIO(data), filename, actor=SYSTEM, source=f"test {filename}",
                          rejected=rejected, **options)
    db.session.expire_all()
    return summary, rejected.rows()


@pytest.fixture
def ru_program(make):
    return make.program(country="RU")


EXCEL_DAY = datetime(2026, 11, 8, 14, 30)
