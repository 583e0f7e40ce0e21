"""The import engine: a table (``reading``) and its mapping onto a kind's fields, a preview of the first rows as
they will be saved, and the import itself, committed in chunks.

Nothing is written until the mapping holds the kind's key column and maps no field twice; each chunk is one
unit of work, so an interrupted import keeps the chunks done and running the file again finishes it (rows
already loaded count as unchanged). Every row that cannot be saved goes to the rejected-rows file with its line
and the reason, its cells neutralised for spreadsheets.
"""

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.actors import Actor, SystemActor
from helpdesk.audit.services import record
from helpdesk.database import unit_of_work
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.imports import values
from helpdesk.imports.kinds import Kind, header_key
from helpdesk.imports.models import ImportProfile
from helpdesk.imports.reading import Table, bad_bytes, open_table
from helpdesk.programs.models import Program
from helpdesk.spreadsheets import safe_cell
from helpdesk.upserts import Outcome, Result
from helpdesk.validation import FieldErrors

CHUNK_SIZE = 5_000
PREVIEW_ROWS = 20


@dataclass
class Mapping:
    """Column number -> field, and per choice field the file's words -> values."""

    columns: dict[int, str]
    choices: dict[str, dict[str, str]] = field(default_factory=dict)

    def given(self) -> tuple[str, ...]:
        return tuple(self.columns.values())


def load_profile(program: Program, kind: Kind) -> ImportProfile | None:
    return db.session.scalar(select(ImportProfile).where(ImportProfile.program_id == program.id,
                                                         ImportProfile.kind == kind.name))


def recognised_mapping(kind: Kind, header: list[str], profile: ImportProfile | None = None) -> Mapping:
    """The columns known by their header (the program's profile first, then the kind's names in en, pl, ru)."""
    known = kind.recognise()
    saved = {header_key(name): name_field for name, name_field in (profile.columns if profile else {}).items()}
    columns = {}
    for number, name in enumerate(header):
        key = header_key(name)
        name_field = saved[key] if key in saved else known.get(key)
        if name_field in kind.fields:
            columns[number] = name_field  # a field given twice is refused by check_mapping, naming both columns
    return Mapping(columns, dict(profile.choices) if profile else {})


def check_mapping(kind: Kind, header: list[str], mapping: Mapping) -> None:
    """Refuse, before anything is written, a mapping without the key column or with a field given twice."""
    errors = FieldErrors()
    seen: dict[str, int] = {}
    for number, name_field in sorted(mapping.columns.items()):
        if name_field not in kind.fields:
            errors.add(f"column {number + 1}", _("%(field)s is not a field of this kind of file", field=name_field))
        elif name_field in seen:
            errors.add("file", _("columns %(first)s and %(second)s are both %(field)s: keep one",
                                 first=_column(header, seen[name_field]), second=_column(header, number),
                                 field=name_field))
        seen[name_field] = number
    if kind.key not in seen:
        found = ", ".join(name for name in header if name)[:300] or _("nothing")
        errors.add("file", _("has no column for %(field)s, which every row needs (found: %(found)s)",
                             field=kind.key, found=found))
    errors.raise_if_any()


def _column(header: list[str], number: int) -> str:
    return f"{number + 1} ({header[number]!r})" if number < len(header) else str(number + 1)


def missing_for_new(kind: Kind, mapping: Mapping) -> list[str]:
    """Fields a new record needs that the file has no column for: such a file only updates existing records."""
    return [name for name in kind.creates_with if name not in mapping.columns.values()]


@dataclass
class Row:
    """A row on its way in: its line, its cells, and what it became (the cleaned item or the reason)."""

    line: int
    cells: list
    item: object = None
    reason: str | None = None
    data: dict = field(default_factory=dict)  # the cells read
    result: Result | None = None  # what the preview's trial write did with it

    def shown(self, kind: Kind) -> dict:
        """The values as they will be saved, or as read when the row is rejected."""
        return kind.saved_fields(self.item) if self.item is not None else self.data


class RowReader:
    """Turns a table's rows into checked items, each with its reason when it cannot be saved."""

    def __init__(self, kind: Kind, program: Program, table: Table, mapping: Mapping):
        self.kind, self.table, self.mapping = kind, table, mapping
        self.width = len(table.header)
        self.check = kind.make_checker(program, mapping.given())
        self.utf8 = table.encoding in ("utf-8", "utf-8-sig")
        self.timezone = program.timezone  # read once: each chunk's commit expires the program

    def __iter__(self):
        for line, cells in self.table.rows:
            yield self.read(line, cells)

    def read(self, line: int, cells) -> Row:
        if isinstance(cells, str):
            return Row(line, [], reason=cells)
        row = Row(line, cells)
        if self.table.delimiter is not None and len(cells) != self.width:
            row.reason = _("the row has %(given)s fields, the header has %(width)s", given=len(cells),
                           width=self.width)
        elif any(bad_bytes(cell) for cell in cells):
            row.reason = (_("the row is not valid UTF-8 (save the file as UTF-8)") if self.utf8 else
                          _("the row has bytes that are not %(encoding)s (the file mixes encodings)",
                            encoding=self.table.encoding))
        if row.reason:
            return row
        raw = {name: cells[number] if number < len(cells) else "" for number, name in self.mapping.columns.items()}
        row.data = self.kind.read_cells(raw, self.timezone, self.mapping.choices)
        errors = FieldErrors()
        row.item = self.check(row.data, line, errors)
        if row.item is None:
            row.reason = Outcome(Result.REJECTED, errors.fields).reason
        return row


def preview(kind: Kind, program: Program, table: Table, mapping: Mapping, limit: int = PREVIEW_ROWS
            ) -> tuple[list[Row], dict[str, str]]:
    """The first rows as they will be saved (the values read), each with its errors, and what is wrong with the
    mapping; nothing is written. While the mapping is wrong the rows come as they are in the file."""
    try:
        check_mapping(kind, table.header, mapping)
        problems = {}
    except ValidationError as exc:
        problems = exc.fields
    reader = RowReader(kind, program, table, mapping)
    rows = []
    for line, cells in table.rows:
        rows.append(Row(line, cells if isinstance(cells, list) else [], reason=None if isinstance(cells, list)
                        else cells) if problems else reader.read(line, cells))
        if len(rows) >= limit:
            break
    if not problems:
        _try_writing(kind, program, [row for row in rows if row.reason is None])
    return rows, problems


class _TrialOnly(Exception):
    """Ends the preview's trial write: its unit of work rolls back."""


def _try_writing(kind: Kind, program: Program, rows: list[Row]) -> None:
    """Write the preview's rows and roll back, so that each says what the import will do with it (created,
    updated, unchanged) or why it will be rejected (an unknown participant, a new record missing a field)."""
    if not rows:
        return
    try:
        with unit_of_work():
            outcomes = kind.write(program, [row.item for row in rows], actor=SystemActor("preview"),
                                  source="preview", cache={})
            raise _TrialOnly
    except _TrialOnly:
        pass
    for row, outcome in zip(rows, outcomes, strict=True):
        row.result, row.reason = outcome.result, outcome.reason if outcome.errors else None


def unknown_choices(kind: Kind, table: Table, mapping: Mapping, limit: int = 30) -> dict[str, list[str]]:
    """Per choice field, the words of the file that are neither a value nor a known word: the manager maps them."""
    columns = {number: name for number, name in mapping.columns.items() if name in kind.choices}
    unknown: dict[str, list[str]] = {name: [] for name in columns.values()}
    for _line, cells in table.rows:
        if isinstance(cells, str):
            continue
        for number, name in columns.items():
            word = values.text(cells[number]).strip() if number < len(cells) else ""
            if (word and word not in unknown[name] and len(unknown[name]) < limit
                    and word not in mapping.choices.get(name, {}) and kind.known_value(name, word) is None):
                unknown[name].append(word)
    return {name: words for name, words in unknown.items() if words}


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def count(self, result: Result) -> None:
        setattr(self, result.value, getattr(self, result.value) + 1)

    def __str__(self) -> str:
        return _("%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                 "%(rejected)s rejected", rows=f"{self.rows:,}", created=f"{self.created:,}",
                 updated=f"{self.updated:,}", unchanged=f"{self.unchanged:,}", rejected=f"{self.rejected:,}")


class RejectedRows:
    """The rejected rows as CSV: ``line``, the file's own columns, ``reason``; opened at the first one. A cell a
    spreadsheet would run as a formula gets a leading apostrophe, as in every CSV we write."""

    def __init__(self, open_file: Callable[[], IO[str]]):
        self._open, self._file, self._writer = open_file, None, None

    def write(self, header: list[str], row: Row) -> None:
        if self._writer is None:
            self._file = self._open()
            self._writer = csv.writer(self._file)
            self._writer.writerow(["line", *header, "reason"])
        cells = [safe_cell(values.text(cell)) for cell in row.cells[:len(header)]]
        cells += [""] * (len(header) - len(cells))
        self._writer.writerow([row.line, *cells, safe_cell(row.reason)])

    @property
    def written(self) -> bool:
        return self._writer is not None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def rejected_file(path) -> RejectedRows:
    """Rejected rows written to ``path``; bytes that were not in the file's encoding go back out as they came."""
    return RejectedRows(lambda: open(path, "w", encoding="utf-8", errors="surrogateescape", newline=""))


def import_table(kind: Kind, program: Program, table: Table, mapping: Mapping, *, actor: Actor, source: str,
                 rejected: RejectedRows, chunk_size: int = CHUNK_SIZE,
                 on_chunk: Callable[[ImportSummary], None] | None = None) -> ImportSummary:
    """Save every valid row of ``table`` and reject the others with their reason; see the module's docstring."""
    check_mapping(kind, table.header, mapping)
    summary = ImportSummary(ignored_columns=[name for number, name in enumerate(table.header)
                                             if number not in mapping.columns and name])
    pending: list[Row] = []
    cache: dict = {}  # participant external id -> id, looked up once per import

    def flush():
        if pending:
            write(pending)
        if len(cache) > 200_000:
            cache.clear()  # memory stays bounded however many participants a file names
        if on_chunk is not None:
            on_chunk(summary)

    def write(rows: list[Row]):
        valid = [row for row in rows if row.reason is None]
        with unit_of_work():
            outcomes = kind.write(program, [row.item for row in valid], actor=actor, source=source,
                                  cache=cache) if valid else []
            counts = Counter("rejected" if outcome.errors else outcome.result.value for outcome in outcomes)
            counts["rejected"] += len(rows) - len(valid)
            # The chunk's audit row commits with it: the file and what its rows came to.
            record(f"import.{kind.name}", actor=actor, target=("file", source), program=program,
                   details={"file": source, "rows": len(rows), **counts})
        for row, outcome in zip(valid, outcomes, strict=True):
            row.reason = outcome.reason if outcome.errors else None
            if row.reason is None:
                summary.count(outcome.result)
        for row in rows:
            if row.reason is not None:
                rejected.write(table.header, row)
                summary.count(Result.REJECTED)
        rows.clear()

    for row in RowReader(kind, program, table, mapping):
        pending.append(row)
        if len(pending) >= chunk_size:
            flush()
    flush()
    return summary


def save_profile(program: Program, kind: Kind, header: list[str], mapping: Mapping, *, actor: Actor
                 ) -> ImportProfile:
    """Remember this file's columns (by header text; unmapped ones as ignored) and words for the next file."""
    fields = {"columns": {name: mapping.columns.get(number, "") for number, name in enumerate(header) if name},
              "choices": {name: dict(words) for name, words in mapping.choices.items() if words},
              "updated_by": actor.display_name[:120]}
    profile = load_profile(program, kind)
    if profile is None:
        profile = ImportProfile(program_id=program.id, kind=kind.name, **fields)
        db.session.add(profile)
    else:
        for name, value in fields.items():
            setattr(profile, name, value)
    db.session.flush()
    return profile


def import_file(kind: Kind, program: Program, stream: IO[bytes], filename: str, *, actor: Actor, source: str,
                rejected: RejectedRows, sheet: str | None = None, mapping: Mapping | None = None,
                chunk_size: int = CHUNK_SIZE, on_chunk: Callable[[ImportSummary], None] | None = None
                ) -> ImportSummary:
    """Open, map (as given, else by the program's profile and the known headers) and import one file."""
    table = open_table(stream, filename, sheet=sheet)
    try:
        mapping = mapping or recognised_mapping(kind, table.header, load_profile(program, kind))
        return import_table(kind, program, table, mapping, actor=actor, source=source, rejected=rejected,
                            chunk_size=chunk_size, on_chunk=on_chunk)
    finally:
        table.close()
