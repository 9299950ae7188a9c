"""A django-tables2 table's export values, as ``Table.as_values()`` gives them, without its per-cell
work: for every cell it resolves the accessor through dictionary, attribute and index lookups
(raising and catching an exception for each model attribute), looks the model field up again and
inspects the value function's signature. Here that is worked out once per column; a cell this
cannot mirror exactly (a callable or non-model object on the accessor's path, a link column, a
many-to-many column) is left to django-tables2's own ``BoundRow.get_cell_value``.

Used for the worklist's CSV and XLSX (up to several hundred rows per export). The tests hold it
to ``as_values()`` on many kinds of rows (tests/jobcenter/test_table_export.py).
"""

from collections.abc import Iterable, Iterator

from django.utils.encoding import force_str

from jobcenter.tables_speed import ColumnPlan


def table_values(table, exclude_columns: Iterable[str] = ()) -> Iterator[list]:
    """What ``table.as_values(exclude_columns)`` yields: the header row, then every row's values."""
    excluded = set(exclude_columns)
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in excluded)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    plans = [ColumnPlan(column, table, render=False) for column in columns]
    for row in table.rows:
        yield [force_str(plan.cell(row), strings_only=True) for plan in plans]
