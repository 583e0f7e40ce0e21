"""Bytes per row on PostgreSQL, for docs/scaling.md: the rows a load run left behind (``bench/load.py
--database-url URL``), copied within each table until it holds at least ``--rows`` rows, then each table's whole
size (heap, TOAST and every index, after VACUUM) divided by its rows.

    .venv/bin/python bench/storage.py postgresql+psycopg://postgres@127.0.0.1:5432/DB [--rows 100000]

The copies keep the load's mix of contents (texts, call and message Sids, timeline entries with their JSON);
unique values get fresh ones of the same length. The database is changed: use one made for the purpose.
"""

import argparse
import sys

from sqlalchemy import create_engine, text

# The tables that grow with traffic, and the unique columns a copy must change (same length as the original).
TABLES = {
    "participants": {"external_id": "'M' || left(md5(random()::text), 12)"},
    "cases": {"number": "number + (SELECT max(number) FROM cases)"},
    "case_events": {},
    "calls": {"call_sid": "'CA' || md5(random()::text)"},
    "messages": {"message_sid": "CASE WHEN message_sid IS NULL THEN NULL ELSE 'SM' || md5(random()::text) END"},
    "surveys": {"message_id": "NULL"},
}


def grow(connection, table: str, fresh: dict[str, str], rows: int) -> int:
    columns = list(connection.scalars(text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = :table AND column_name <> 'id' "
        "ORDER BY ordinal_position"), {"table": table}))
    values = ", ".join(fresh.get(column, column) for column in columns)
    count = connection.scalar(text(f"SELECT count(*) FROM {table}"))
    if count == 0:
        raise SystemExit(f"{table} is empty: run bench/load.py --database-url on this database first")
    while count < rows:
        connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {table}"))
        count *= 2
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    engine = create_engine(args.url)
    with engine.begin() as connection:
        counts = {table: grow(connection, table, fresh, args.rows) for table, fresh in TABLES.items()}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        print(f"{'table':14} {'rows':>9} {'bytes/row':>10} {'of which indexes':>17}")
        for table, count in counts.items():
            total, indexes = connection.execute(text(
                "SELECT pg_total_relation_size(:t), pg_indexes_size(:t)"), {"t": table}).one()
            print(f"{table:14} {count:9,} {total / count:10.0f} {indexes / count:17.0f}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
