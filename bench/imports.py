"""Time the import engine on a program's own files, and the code look-up at a million codes (SQLite).

    .venv/bin/python bench/imports.py [--participants 100000] [--codes 70000] [--lookup-codes 1000000]
                                      [--dir bench/data/imports] [--skip-lookup]

Writes, with a fixed seed, a Polish participant file (Windows-1250, semicolons, Polish headers, national phone
numbers, ``4 500`` points) and a code file (Polish headers and status words, ``31.01.2027``), each as CSV and
as XLSX (numbers and dates as Excel's, text in a shared strings table and the sheet's size given, as Excel saves
it), then
imports each into a fresh database built by the real migrations with ``flask participants|codes import`` in a
child process: wall and CPU time and the child's peak RSS (wait4); the CSV is imported twice (the second run
finds every row unchanged). Then it loads ``--lookup-codes`` codes straight into a database and times
``look_up_code`` on existing codes and on codes with one typing slip (the near-match path), in process.
``--participants 0`` or ``--codes 0`` skips that file (``--codes 1000000 --participants 0 --skip-lookup
--csv-only``: a million-row file).
Exit status 1 when a budget is missed: participants CSV 15 s, codes CSV 5 s, XLSX 2x its CSV, 200 MB, look-up
10 ms median.
"""

import argparse
import multiprocessing
import random
import re
import statistics
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.import_orders import PROGRAM, build_database, run_import  # noqa: E402
from helpdesk import create_app  # noqa: E402
from helpdesk.codes.models import Code  # noqa: E402
from helpdesk.codes.services import code_key, look_up_code  # noqa: E402
from helpdesk.extensions import db  # noqa: E402

SEED = 20261129
FIRST = ["Anna", "Łucja", "Żaneta", "Katarzyna", "Małgorzata", "Piotr", "Paweł", "Krzysztof", "Michał", "Tomasz"]
LAST = ["Nowak", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowska", "Zieliński", "Szymańska"]
PARTICIPANT_HEADER = ["Nr uczestnika", "Imię", "Nazwisko", "Telefon", "E-mail", "Punkty"]
CODE_HEADER = ["Kod", "Status", "Punkty", "Ważny do"]
CODE_STATUSES = ["ważny", "ważny", "ważny", "wykorzystany", "wygasł", "zablokowany"]
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>')


def participant_rows(count: int):
    """Rows with Python values: the XLSX gets numbers as numbers, the CSV the text a Polish Excel exports."""
    rng = random.Random(SEED)
    for n in range(count):
        phone = f"6{n % 100:02d} {n // 100 % 1000:03d} {n % 1000:03d}"
        yield [f"PP-{n:07d}", rng.choice(FIRST), rng.choice(LAST), phone, f"member{n}@example.pl" if n % 3 else "",
               rng.randrange(0, 20_000)]


def code_value(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(4)) + " " + "".join(rng.choice(ALPHABET) for _ in range(4))


def code_rows(count: int):
    rng = random.Random(SEED + 1)
    seen = set()
    expiry = datetime(2027, 1, 1)
    while len(seen) < count:
        value = code_value(rng)
        if value in seen:
            continue
        seen.add(value)
        yield [value, rng.choice(CODE_STATUSES), rng.choice((10, 20, 50, 100)),
               expiry + timedelta(days=rng.randrange(365))]


def polish_text(value) -> str:
    """A cell as a Polish Excel writes it to CSV: ``4 500``, ``31.01.2027``."""
    if isinstance(value, int):
        return f"{value // 1000} {value % 1000:03d}" if value >= 1000 else str(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    return value


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="cp1250", newline="") as out:
        out.write(";".join(header) + "\r\n")
        for row in rows:
            out.write(";".join(polish_text(value) for value in row) + "\r\n")


def write_xlsx(path: Path, header: list[str], rows, count: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dane")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    as_excel_saves_it(path, f"A1:{chr(ord('A') + len(header) - 1)}{count + 1}")


def as_excel_saves_it(path: Path, dimension: str) -> None:
    """The workbook as Excel saves it: its text in a shared strings table and its size (``<dimension>``) before
    its rows. openpyxl writes text inline and no size, and then reads such a file three times slower than the
    files the programs' teams export (without the size it parses the whole sheet once more to find it)."""
    with zipfile.ZipFile(path) as source:
        items = {name: source.read(name) for name in source.namelist()}
    strings: dict[str, int] = {}

    def shared(match) -> str:
        index = strings.setdefault(match.group(2), len(strings))
        return f'<c r="{match.group(1)}" t="s"><v>{index}</v></c>'

    sheet = items["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("</sheetPr>", f'</sheetPr><dimension ref="{dimension}"/>', 1)
    items["xl/worksheets/sheet1.xml"] = INLINE.sub(shared, sheet).encode()
    items["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                                     + "".join(f"<si><t>{text}</t></si>" for text in strings) + "</sst>").encode()
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items.items():
            out.writestr(name, data)


def write_files(csv_path: Path, xlsx_path: Path | None, header: list[str], rows, count: int) -> None:
    write_csv(csv_path, header, rows(count))
    if xlsx_path is not None:
        write_xlsx(xlsx_path, header, rows(count), count)


def import_files(kind: str, header: list[str], rows, count: int, directory: Path, budget: float, max_mb: float,
                 csv_only: bool = False) -> bool:
    csv_path, xlsx_path = directory / f"{kind}-{count}.csv", directory / f"{kind}-{count}.xlsx"
    files = [("CSV", csv_path, ("creates", "unchanged"))] + ([] if csv_only else [("XLSX", xlsx_path, ("creates",))])
    # Written by another process: a child forked from this one would report this one's peak memory as its own.
    writer = multiprocessing.get_context("spawn").Process(target=write_files, args=(
        csv_path, None if csv_only else xlsx_path, header, rows, count))
    writer.start()
    writer.join()
    print(f"{kind}: {count:,} rows; " + ", ".join(f"{path.name} {path.stat().st_size / 2**20:.1f} MB"
                                                  for _, path, _ in files))
    ok, times, cpus = True, {}, {}
    for label, path, runs in files:
        db_path = directory / f"{kind}-{label.lower()}.db"
        build_database(db_path, 0)
        for run in runs:
            seconds, cpu, peak_mb, summary = run_import(path, db_path, kind)
            times.setdefault(label, seconds)
            cpus.setdefault(label, cpu)
            within = peak_mb < max_mb and (seconds < budget if label == "CSV" else seconds < 2 * times["CSV"])
            ok &= within
            print(f"  {label} ({run}): {seconds:.2f} s wall ({cpu:.2f} s CPU), peak RSS {peak_mb:.0f} MB "
                  f"{'OK' if within else 'MISSED'}\n    {summary}")
    if not csv_only:
        print(f"  XLSX / CSV: {times['XLSX'] / times['CSV']:.2f}x wall, {cpus['XLSX'] / cpus['CSV']:.2f}x CPU")
    return ok


def time_lookups(count: int, directory: Path, samples: int = 300) -> bool:
    db_path = directory / "codes-lookup.db"
    build_database(db_path, 0)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "bench", "TESTING": True})
    rng = random.Random(SEED + 2)
    now = datetime.now(UTC)
    with app.app_context():
        values, batch, seen = [], [], set()
        while len(seen) < count:
            value = code_value(rng)
            key = code_key(value)
            if key in seen:
                continue
            seen.add(key)
            if len(values) < samples:
                values.append(value)
            batch.append({"program_id": 1, "value": value, "key": key, "status": "valid", "points": 10,
                          "created_at": now, "updated_at": now})
            if len(batch) == 50_000:
                db.session.execute(insert(Code.__table__), batch)
                batch.clear()
        if batch:
            db.session.execute(insert(Code.__table__), batch)
        db.session.commit()
        db.session.connection().exec_driver_sql("ANALYZE")
        db.session.commit()
        ok = True
        for label, queries in (("existing code", values),
                               ("one character wrong (near matches)", [v[:-1] + ("X" if v[-1] != "X" else "Y")
                                                                       for v in values])):
            durations = []
            for query in queries:
                started = time.perf_counter()
                found = look_up_code(query, [1])
                durations.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
                assert found.code is not None or found.near, query
            median = statistics.median(durations)
            ok &= median < 10
            print(f"look-up at {count:,} codes, {label}: median {median:.2f} ms, p95 "
                  f"{statistics.quantiles(durations, n=20)[18]:.2f} ms {'OK' if median < 10 else 'MISSED'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=70_000)
    parser.add_argument("--lookup-codes", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "data" / "imports")
    parser.add_argument("--skip-lookup", action="store_true")
    parser.add_argument("--csv-only", action="store_true", help="no XLSX files (a million rows, say)")
    parser.add_argument("--max-mb", type=float, default=200.0)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    ok = True
    if args.participants:
        ok &= import_files("participants", PARTICIPANT_HEADER, participant_rows, args.participants, args.dir, 15.0,
                           args.max_mb, args.csv_only)
    if args.codes:
        ok &= import_files("codes", CODE_HEADER, code_rows, args.codes, args.dir, 5.0, args.max_mb, args.csv_only)
    if not args.skip_lookup:
        ok &= time_lookups(args.lookup_codes, args.dir)
    print(f"program {PROGRAM}; {'every budget met' if ok else 'a budget was missed'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
