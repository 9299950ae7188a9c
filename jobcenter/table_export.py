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

from django.db.models import Model
from django.utils.encoding import force_str
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn

from jobcenter.tables_speed import cached_signature

ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


class _ColumnValues:
    def __init__(self, bound_column, table):
        self.name = bound_column.name
        self.bound_column = bound_column
        self.column = bound_column.column
        self.table = table
        self.empty_values = self.column.empty_values
        self.bits = tuple(bit for bit in bound_column.accessor.bits if bit)
        field = bound_column.accessor.get_field(table._meta.model) if table._meta.model else None
        # get_FOO_display() when the accessor ends in a field with choices (django-tables2 #30)
        self.display = f"get_{self.bits[-1]}_display" if self.bits and getattr(field, "choices", ()) else None
        self.function = bound_column.value  # value_FOO, else render_FOO, else the column's value()
        names, catch_all = cached_signature(self.function)
        self.wants = ARGUMENTS if catch_all else tuple(n for n in ARGUMENTS if n in names)
        unknown = not catch_all and any(n not in ARGUMENTS for n in names)
        self.fallback = (
            unknown
            or not self.bits
            or isinstance(self.column, BaseLinkColumn | ManyToManyColumn)
            or table._meta.model is None
        )

    def value(self, row):
        record = row.record
        if self.fallback or not _plain_model(record):
            return row.get_cell_value(self.name)
        current, parent = record, None
        for bit in self.bits:
            if not _plain_model(current):
                return row.get_cell_value(self.name)  # a dict, list or other object: as the library does
            parent = current
            try:
                current = getattr(current, bit)
            except Exception:  # noqa: BLE001 - a missing relation: the library's own handling
                return row.get_cell_value(self.name)
            if callable(current):
                return row.get_cell_value(self.name)
            if current is None:
                break
        if self.display is not None:
            display = getattr(parent, self.display, None) if current is not None else None
            if display is None:  # None on the way or in the field, or no display method
                return row.get_cell_value(self.name)
            value = display()
        else:
            value = current
        if value in self.empty_values:
            return None
        given = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        return self.function(**{name: given[name] for name in self.wants})


def _plain_model(value) -> bool:
    """A model instance that django-tables2 resolves by attribute (no item lookup of its own)."""
    return isinstance(value, Model) and not hasattr(value, "__getitem__")


def table_values(table, exclude_columns: Iterable[str] = ()) -> Iterator[list]:
    """What ``table.as_values(exclude_columns)`` yields: the header row, then every row's values."""
    excluded = set(exclude_columns)
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in excluded)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    plans = [_ColumnValues(column, table) for column in columns]
    for row in table.rows:
        yield [force_str(plan.value(row), strings_only=True) for plan in plans]
