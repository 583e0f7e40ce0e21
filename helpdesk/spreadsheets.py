"""CSV written for people to open in a spreadsheet: no cell of ours may run as a formula."""

import csv
import io
from collections.abc import Callable, Iterable

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_download(filename: str, header, rows: Iterable, *, finished: Callable[[int, bool], None] | None = None):
    """A CSV attachment streamed in blocks of about 64 kB, every cell :func:`safe_cell`; ``finished(rows,
    complete)`` runs at its end (``complete`` False when the client went away first): the export's audit row."""

    def blocks():
        buffer, count, complete = io.StringIO(), 0, False
        writer = csv.writer(buffer)
        writer.writerow(header)
        try:
            for row in rows:
                writer.writerow(safe_cell(value) for value in row)
                count += 1
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
            complete = True
        finally:
            if finished is not None:
                finished(count, complete)

    return Response(stream_with_context(blocks()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
