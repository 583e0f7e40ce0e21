"""Loading a CSV of reward orders: streamed, in chunks, every row upserted or rejected with its reason.

The file is read through a text wrapper that keeps undecodable bytes (``surrogateescape``), so a row with bytes
that are not UTF-8 is rejected alone and written back unchanged to the rejected-rows file. Each chunk costs a
few queries (see :func:`helpdesk.rewards.orders.apply_orders`) in a unit of work of its own, so a large file is
loaded as one transaction per chunk; ``on_chunk`` runs after each one (the CLI's progress bar).
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from helpdesk.actors import Actor
from helpdesk.audit.services import record
from helpdesk.database import unit_of_work
from helpdesk.errors import ValidationError
from helpdesk.programs.models import Program
from helpdesk.rewards.orders import FIELDS, BatchCheck, Outcome, Result, apply_orders
from helpdesk.spreadsheets import safe_cell
from helpdesk.validation import FieldErrors

COLUMNS = ("order_ref", *FIELDS)
CHUNK_SIZE = 5_000
NOT_UTF8 = "the row is not valid UTF-8 (save the file as UTF-8)"


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
        return (f"{self.rows:,} rows: {self.created:,} created, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged, {self.rejected:,} rejected")


class RejectedRows:
    """The rejected rows as CSV, the file's columns plus ``line`` and ``reason``; opened at the first one. A cell a
    spreadsheet would run as a formula gets a leading apostrophe, as in every CSV we write."""

    def __init__(self, open_file: Callable[[], IO[str]]):
        self._open, self._file, self._writer = open_file, None, None

    def write(self, line: int, row: dict, reason: str) -> None:
        if self._writer is None:
            self._file = self._open()
            self._writer = csv.writer(self._file)
            self._writer.writerow(["line", *COLUMNS, "reason"])
        self._writer.writerow([line, *(safe_cell(row.get(name) or "") for name in COLUMNS), safe_cell(reason)])

    @property
    def written(self) -> bool:
        return self._writer is not None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def rejected_file(path) -> RejectedRows:
    """Rejected rows written to ``path``; bytes that were not UTF-8 in the input go back out as they came."""
    return RejectedRows(lambda: open(path, "w", encoding="utf-8", errors="surrogateescape", newline=""))


def import_orders(program: Program, stream: IO[bytes], *, actor: Actor, source: str, rejected: RejectedRows,
                  chunk_size: int = CHUNK_SIZE, on_chunk: Callable[[ImportSummary], None] | None = None
                  ) -> ImportSummary:
    """Upsert every valid row of the CSV ``stream``; a file without the needed columns is refused whole."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        reader = csv.DictReader(text)
        header = _checked_header(reader)
        batch = _Batch(program, actor, source, rejected, on_chunk,
                       ImportSummary(ignored_columns=[name for name in header if name not in COLUMNS]))
        check = BatchCheck()
        for line, row in _records(reader):
            item = row if isinstance(row, str) else _check_row(row, len(header), line, check)
            batch.add(line, row, item)
            if batch.rows_since_flush >= chunk_size:
                batch.flush()
        batch.flush()
        return batch.summary
    finally:
        text.detach()  # the caller's stream stays open


class _Batch:
    """The rows of one chunk on their way to :func:`apply_orders`, and the tally so far."""

    MAX_KNOWN_PARTICIPANTS = 200_000

    def __init__(self, program, actor, source, rejected, on_chunk, summary):
        self.program, self.actor, self.source, self.rejected, self.on_chunk = program, actor, source, rejected, on_chunk
        self.summary = summary
        self.valid: list[tuple[int, dict, dict]] = []
        self.rows_since_flush = self.chunks = 0
        self.participant_ids: dict[str, int] = {}  # external id -> id, looked up once per import

    def add(self, line: int, row: dict | str, item: dict | str) -> None:
        self.rows_since_flush += 1
        if isinstance(item, str):
            self._reject(line, {} if isinstance(row, str) else row, item)
        else:
            self.valid.append((line, row, item))

    def flush(self) -> None:
        if self.rows_since_flush:
            if len(self.participant_ids) > self.MAX_KNOWN_PARTICIPANTS:
                self.participant_ids.clear()  # memory stays bounded however many participants a file names
            with unit_of_work():
                outcomes = apply_orders(self.program, [item for _, _, item in self.valid], actor=self.actor,
                                        source=self.source, participant_ids=self.participant_ids
                                        ) if self.valid else []
                self._audit(outcomes)
            for (line, row, _), outcome in zip(self.valid, outcomes, strict=True):
                if outcome.errors:
                    self._reject(line, row, outcome.reason)
                else:
                    self.summary.count(outcome.result)
            self.valid.clear()
        self.rows_since_flush = 0
        if self.on_chunk is not None:
            self.on_chunk(self.summary)

    def _audit(self, outcomes: list[Outcome]) -> None:
        """The chunk's audit row, committed with it: the file, and what its rows came to (rows refused before
        reaching the database included)."""
        counts = Counter("rejected" if outcome.errors else outcome.result.value for outcome in outcomes)
        counts["rejected"] += self.rows_since_flush - len(self.valid)
        self.chunks += 1
        record("import.reward_orders", actor=self.actor, target=("file", self.source), program=self.program,
               details={"file": self.source, "chunk": self.chunks, "rows": self.rows_since_flush, **counts})

    def _reject(self, line: int, row: dict, reason: str) -> None:
        self.rejected.write(line, row, reason)
        self.summary.count(Result.REJECTED)


def _checked_header(reader: csv.DictReader) -> list[str]:
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise ValidationError("file", f"is not a readable CSV file ({exc})") from None
    if any(_has_bad_bytes(name) for name in header):
        raise ValidationError("file", "has a header row that is not valid UTF-8: save the file as UTF-8 CSV")
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        found = ", ".join(header)[:300] or "nothing"
        raise ValidationError("file", f"misses the column(s) {', '.join(missing)} (found: {found})")
    reader.fieldnames = header
    return header


def _records(reader: csv.DictReader):
    """``(line, row)`` per record, the line it starts on; a record the csv module cannot read comes as its error."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = f"the row is not readable CSV ({exc})"
        yield line, row


def _check_row(row: dict, width: int, line: int, check: BatchCheck) -> dict | str:
    """The cleaned order, or why the row is rejected."""
    extra = row.pop(None, None)
    if extra is not None or None in row.values():
        given = sum(value is not None for value in row.values()) + len(extra or [])
        return f"the row has {given} fields, the header has {width}"
    if _has_bad_bytes("".join(row.values())):
        return NOT_UTF8
    errors = FieldErrors()
    item = check.check(row, f"line {line}", errors)
    return Outcome(Result.REJECTED, errors.fields).reason if item is None else item


_BAD_BYTES = re.compile("[\udc80-\udcff]")


def _has_bad_bytes(value: str) -> bool:
    """Bytes that were not UTF-8 come through ``surrogateescape`` as lone surrogates U+DC80..U+DCFF."""
    return not value.isascii() and _BAD_BYTES.search(value) is not None
