"""Fast bulk writes for rows nobody reads back at once.

Updates: one `UPDATE ... FROM (VALUES ...)` per batch instead of Django's CASE WHEN. Django's
`bulk_update` builds a CASE expression per field that grows with the batch and dominated the
obligation refresh (about 85 % of its time). PostgreSQL and SQLite (3.33+) both update from a
VALUES list joined on the primary key.

Inserts: `insert_rows` streams rows with PostgreSQL's COPY. For the import's audit entries (JSON
details) `bulk_create` spent most of its time building model instances and quoting arrays; COPY
takes a fraction of it. Other databases fall back to `bulk_create`.
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection

BATCH = 2000


def update_rows(model, fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Update `fields` of `model` rows; each row is (pk, value for each field, in order)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    columns = [model._meta.get_field(name).column for name in fields]
    casts = [model._meta.get_field(name).db_type(connection) for name in fields]
    names = ["id"] + [f"c{i}" for i in range(len(columns))]
    if connection.vendor == "postgresql":
        # VALUES parameters arrive untyped; cast them to each column's type.
        values = [f"CAST(v.c{i} AS {cast})" for i, cast in enumerate(casts)]
    else:
        values = [f"v.c{i}" for i in range(len(columns))]
    assignments = ", ".join(
        f"{connection.ops.quote_name(col)} = {value}" for col, value in zip(columns, values, strict=True)
    )
    placeholder = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            sql = (
                f"WITH v({', '.join(names)}) AS (VALUES {', '.join([placeholder] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.id"
            )
            cursor.execute(sql, [value for row in batch for value in row])


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows of (value for each of `fields`, in order) without reading them back: no ids, no
    signals, no defaults (give every value, `auto_now_add` ones too). JSON fields take a dict."""
    kinds = [model._meta.get_field(name).get_internal_type() for name in fields]
    json_at = {i for i, kind in enumerate(kinds) if kind == "JSONField"}
    if connection.vendor != "postgresql":
        names = [model._meta.get_field(name).attname for name in fields]
        model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=BATCH
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if json_at:
                row = tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row))
            copy.write_row(row)
