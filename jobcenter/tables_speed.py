"""django-tables2 with its per-cell work done once per column, same output.

It inspects the signature of a column's render function for every cell it renders
(`django_tables2.utils.signature`, called by `call_with_appropriate`): on the worklist that was about
half of the page's server time (cProfile, 100 rows). A function's signature never changes, so it is
computed once per function here (bound methods: once per underlying function, `self` removed as
django-tables2 does); installed from JobcenterConfig.ready(). ``ColumnPlan`` goes further for the
worklist's page and exports: accessor, field and signature resolved once per column, not per cell.
"""

import inspect
from functools import lru_cache

from django.db.models import Model
from django_tables2 import utils
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn

_uncached = utils.signature


@lru_cache(maxsize=4096)
def _of_function(function, bound: bool) -> tuple:
    if not bound:
        return _uncached(function)
    names, keywords = _uncached(function)
    return names[1:], keywords  # a bound method's first parameter is self


def cached_signature(fn) -> tuple:
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        return _of_function(fn.__func__, True)
    if inspect.isfunction(fn):
        return _of_function(fn, False)
    return _uncached(fn)  # partials, callables: rare, not cached


def install() -> None:
    utils.signature = cached_signature


ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


def _plain_model(value) -> bool:
    """A model instance that django-tables2 resolves by attribute (no item lookup of its own)."""
    return isinstance(value, Model) and not hasattr(value, "__getitem__")


class ColumnPlan:
    """One column's cells as django-tables2 works them out per cell, with the per-cell work done
    once per table: the accessor's path and model field (``get_FOO_display`` for a field with
    choices), and the signature of the function that turns a value into the cell.

    ``render=True`` mirrors ``BoundRow.get_cell`` (the page: ``render_FOO``, empty cells get the
    column's default); ``render=False`` mirrors ``BoundRow.get_cell_value`` (exports: ``value_FOO``,
    empty cells are None). A cell this cannot mirror exactly (a link or many-to-many column, a
    callable, dict or non-model object on the accessor's path, a missing relation) is left to
    django-tables2 itself. Tests hold both to the library (test_worklist_cells, test_table_export).
    """

    def __init__(self, bound_column, table, *, render: bool):
        self.name = bound_column.name
        self.bound_column = bound_column
        self.column = bound_column.column
        self.table = table
        self.empty_values = self.column.empty_values
        self.empty = bound_column.default if render else None
        self.bits = tuple(bit for bit in bound_column.accessor.bits if bit)
        field = bound_column.accessor.get_field(table._meta.model) if table._meta.model else None
        # get_FOO_display() when the accessor ends in a field with choices (django-tables2 #30)
        self.display = f"get_{self.bits[-1]}_display" if self.bits and getattr(field, "choices", ()) else None
        self.function = bound_column.render if render else bound_column.value
        self.render = render
        names, catch_all = cached_signature(self.function)
        self.wants = ARGUMENTS if catch_all else tuple(n for n in ARGUMENTS if n in names)
        unknown = not catch_all and any(n not in ARGUMENTS for n in names)
        self.fallback = (
            unknown
            or not self.bits
            or isinstance(self.column, BaseLinkColumn | ManyToManyColumn)
            or bool(bound_column.link)
            or table._meta.model is None
        )

    def library(self, row):
        """The cell as django-tables2 works it out itself."""
        return row.get_cell(self.name) if self.render else row.get_cell_value(self.name)

    def cell(self, row):
        record = row.record
        if self.fallback or not _plain_model(record):
            return self.library(row)
        current, parent = record, None
        for bit in self.bits:
            if not _plain_model(current):
                return self.library(row)  # a dict, list or other object: as the library does
            parent = current
            try:
                current = getattr(current, bit)
            except Exception:  # noqa: BLE001 - a missing relation: the library's own handling
                return self.library(row)
            if callable(current):
                return self.library(row)
            if current is None:
                break
        if self.display is not None:
            display = getattr(parent, self.display, None) if current is not None else None
            if display is None:  # None on the way or in the field, or no display method
                return self.library(row)
            value = display()
        else:
            value = current
        if value in self.empty_values:
            return self.empty
        given = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        return self.function(**{name: given[name] for name in self.wants})
