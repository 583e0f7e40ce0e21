"""Reading a participant, order or code file as a header and rows, whatever made it: CSV in UTF-8 (with or
without a BOM), Windows-1250, Windows-1251 or ISO-8859-2, separated by commas, semicolons or tabs; or an
Excel workbook (XLSX, read streaming with openpyxl; a workbook with macros is refused).

Rows come one at a time with the line (CSV) or row number (XLSX) a person sees in their program, so a file of a
million rows is never held in memory. CSV text is decoded with ``surrogateescape``: a row with bytes that are not
in the file's encoding (a file pasted together from two exports) is rejected alone, and written back as it came.
"""

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from charset_normalizer import from_bytes
from flask_babel import gettext as _

from helpdesk.errors import ValidationError

SAMPLE = 256 * 1024
SINGLE_BYTE = ("cp1250", "cp1251", "iso8859_2")
DELIMITERS = (",", ";", "\t")
EXCEL = (".xlsx",)
MACROS = (".xlsm", ".xlsb", ".xls")
_BAD_BYTES = re.compile("[\udc80-\udcff]")
# A character beyond ASCII decoded as UTF-8: single-byte Polish or Russian text never forms one by chance.
_UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")


@dataclass
class Table:
    """A file's header and its rows; ``rows`` yields ``(line, cells)`` once."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    close: object = None


def open_table(stream: IO[bytes], filename: str, *, sheet: str | None = None) -> Table:
    """The table of ``stream`` (a binary file positioned at its start), read by its name's extension."""
    name = filename.lower()
    if name.endswith(MACROS):
        raise ValidationError("file", _("is a workbook with macros or in an old Excel format: save it as "
                                        "an Excel workbook (.xlsx) or CSV"))
    if name.endswith(EXCEL):
        return _excel_table(stream, sheet)
    return _csv_table(stream)


def bad_bytes(value) -> bool:
    """Bytes that were not in the file's encoding come through ``surrogateescape`` as U+DC80..U+DCFF."""
    return isinstance(value, str) and not value.isascii() and _BAD_BYTES.search(value) is not None


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (a BOM is skipped) when the sample is valid UTF-8, else the single-byte encoding charset-normalizer
    finds likeliest among those of Polish and Russian exports."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    text = sample.decode("utf-8", errors="surrogateescape")
    if len(sample) == SAMPLE:
        text = text[:-3]  # a character the sample cut in two
    if not bad_bytes(text) or _UTF8_LETTER.search(text):
        return "utf-8"  # UTF-8, or mostly: rows in another encoding are then rejected alone
    found = [match.encoding for match in from_bytes(sample, cp_isolation=list(SINGLE_BYTE))]
    best = found[0] if found else ("cp1251" if _cyrillic_words(sample) else "cp1250")
    return _latin2(sample) if best in ("cp1250", "iso8859_2") else best


# Polish letters that Windows-1250 and ISO-8859-2 put in different places (ą ś ź Ą Ś Ź); the others match.
_CP1250_ONLY = frozenset(b"\xb9\x9c\x9f\xa5\x8c\x8f")
_ISO_ONLY = frozenset(b"\xb1\xb6\xbc\xa1\xa6\xac")


def _latin2(sample: bytes) -> str:
    """Windows-1250 or ISO-8859-2, which charset-normalizer finds equally Polish: by the letters only one has."""
    iso = sum(byte in _ISO_ONLY for byte in sample)
    return "iso8859_2" if iso > sum(byte in _CP1250_ONLY for byte in sample) else "cp1250"


def _cyrillic_words(sample: bytes) -> bool:
    """Most bytes beyond ASCII next to another: whole words of them, Cyrillic, not Polish letters among Latin ones
    (a sample too short for charset-normalizer to judge)."""
    high = {i for i, byte in enumerate(sample) if byte >= 0x80}
    paired = sum(1 for i in high if i - 1 in high or i + 1 in high)
    return bool(high) and paired * 2 > len(high)


def sniff_delimiter(line: str) -> str:
    """The separator used most outside quotes in the header line; a comma when there is none."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {delimiter: outside.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_table(stream: IO[bytes]) -> Table:
    sample = stream.read(SAMPLE)
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ValidationError("file", _("is empty"))
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(io.BufferedReader(_Rejoined(sample, stream)), encoding=encoding,
                            errors="surrogateescape", newline="")
    first_line = sample.decode(encoding, errors="replace").splitlines()[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ValidationError("file", _("is not a readable CSV file (%(error)s)", error=exc)) from None
    if any(bad_bytes(name) for name in header):
        raise ValidationError("file", _("has a header row in more than one encoding: save it as UTF-8"))
    return Table([name.strip() for name in header], _csv_rows(reader), encoding=encoding, delimiter=delimiter,
                 close=text.close)


class _Rejoined(io.RawIOBase):
    """The sample read for detection, then the rest of the stream: no seek, so a pipe or a generator will do."""

    def __init__(self, sample: bytes, rest: IO[bytes]):
        self.sample, self.rest = sample, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.sample:
            size = min(len(buffer), len(self.sample))
            buffer[:size], self.sample = self.sample[:size], self.sample[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:  # the caller's stream stays open
        super().close()


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    """``(line, cells)`` per record, the line it starts on; a record the csv module cannot read is its error."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            cells = _("the row is not readable CSV (%(error)s)", error=exc)
        if isinstance(cells, str) or any(cell.strip() for cell in cells):  # blank lines are skipped
            yield line, cells


def _excel_table(stream: IO[bytes], sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
                raise ValidationError("file", _("holds macros: save it as an Excel workbook (.xlsx) "
                                                "without macros, or as CSV"))
        stream.seek(0)
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationError("file", _("is not a readable Excel workbook (.xlsx)")) from None
    names = workbook.sheetnames
    if sheet is not None and sheet not in names:
        workbook.close()
        raise ValidationError("sheet", _("no sheet %(sheet)s in the workbook (it has: %(names)s)",
                                         sheet=repr(sheet[:40]), names=", ".join(names)))
    chosen = sheet or names[0]
    rows = _excel_rows(workbook[chosen])
    first, second = next(rows, None), next(rows, None)
    if first is None:
        workbook.close()
        raise ValidationError("file", _("has no rows on sheet %(sheet)s", sheet=chosen))
    if second is not None and _filled(first[1]) == 1 < _filled(second[1]):
        first, second = second, None  # a title above the header (merged across it): one cell
    header = first[1]
    rows = itertools.chain([second] if second is not None else [], rows)
    header = [str(cell).strip() if cell is not None else "" for cell in header]
    return Table(header, rows, sheets=names, sheet=chosen, close=workbook.close)


def _filled(cells: list) -> int:
    return sum(cell != "" for cell in cells)


def _excel_rows(worksheet) -> Iterator[tuple[int, list]]:
    """Non-empty rows with their row number; the cells of merged ranges other than the first are empty, a formula
    gives the value Excel last computed (none if it never did)."""
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if any(value not in (None, "") for value in values):
            yield number, [_excel_value(value) for value in values]


def _excel_value(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float, datetime, date)):
        return value
    return str(value)
