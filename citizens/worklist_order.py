"""Pages of the worklist, read from the sort's index.

``Pages``: any order. Far into the list (page 200 of the largest team) ``OFFSET`` made PostgreSQL
fetch every skipped row, its joins and its booking subqueries (EXPLAIN at 1M: 289 ms for page
200 by name); from ``DEFER_FROM`` rows on, the page's ids are read first (an index-only scan of the
sort's index, which ends in the id) and then only those rows (4 ms). One query either way.

``GroupedPages``: the worklist ordered by a column of a small joined table (target group,
caseworker), one exact page at a time without sorting the whole team.

``ORDER BY catalogue_targetgroup.name_da`` cannot be read from an index of the citizen table, so
PostgreSQL sorted every citizen of the team for each page (about 400 ms for the largest team at
1,000,000 citizens). A team has few distinct target groups and caseworkers, so a page is found
from per-value counts instead:

1. one ``GROUP BY`` of the filtered list per value (it also gives the total for the paginator,
   in place of the ``COUNT``), and the values' labels, ordered in Python;
2. the rows of the page, read per value from an index ``(team, value, next_due, last_name, id)``
   with the value's own offset: the first and the last value the page touches one query each,
   the values wholly inside the page together in one more.

Order: by the label shown in the column (``sort_key``, ties by id; citizens without a value
last in both directions), then within one value as the default worklist (soonest deadline first,
then last name and id), whichever direction the column is sorted in. ``__iter__`` (exports)
gives the same order in one query with the values' ranks as a CASE expression.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

DEFER_FROM = 500


def rows(queryset: QuerySet, start: int, stop: int) -> list:
    """Rows ``start:stop`` of an ordered queryset (deep ones by their ids first, see above)."""
    if start < DEFER_FROM:
        return list(queryset[start:stop])
    return list(queryset.filter(pk__in=queryset.values("pk")[start:stop]))


def unwrap(queryset) -> QuerySet:
    """The queryset behind a ``Pages``/``GroupedPages`` (django-tables2 may order it again)."""
    return getattr(queryset, "queryset", queryset)


class Pages:
    """What django-tables2's ``TableQuerysetData`` asks of its data (``count``, slices,
    iteration, ``order_by``, ``model``, ``query``), for an ordered queryset."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        self.model = queryset.model
        self.query = queryset.query

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def order_by(self, *fields) -> QuerySet:
        return self.queryset.order_by(*fields)

    def __iter__(self) -> Iterator:
        return iter(self.queryset)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start = key.start or 0
        if key.stop is None:
            return list(self.queryset[start:])
        return rows(self.queryset, start, key.stop)


class GroupedPages:
    """``Pages`` for a worklist ordered by ``field``, a column of a small joined table."""

    def __init__(
        self,
        queryset: QuerySet,
        field: str,
        labels: Callable[[list[Any]], dict[Any, str]],
        *,
        descending: bool,
        within: Sequence,
    ):
        self.queryset = queryset.order_by()
        self.field = field
        self.labels = labels
        self.descending = descending
        self.within = tuple(within)
        self.model = queryset.model
        self.query = self.queryset.query

    @cached_property
    def groups(self) -> list[tuple[Any, int]]:
        """(value, number of citizens) in page order."""
        counts = dict(
            self.queryset.values_list(self.field).annotate(n=Count("pk")).values_list(self.field, "n")
        )
        labels = self.labels([v for v in counts if v is not None])
        present = sorted((v for v in counts if v is not None), key=lambda v: (labels.get(v, ""), v))
        if self.descending:
            present.reverse()
        return [(v, counts[v]) for v in present] + ([(None, counts[None])] if None in counts else [])

    def count(self) -> int:
        return sum(n for _value, n in self.groups)

    def __len__(self) -> int:
        return self.count()

    def order_by(self, *fields) -> QuerySet:
        return self.queryset.order_by(*fields)

    def _of(self, value) -> QuerySet:
        if value is None:
            return self.queryset.filter(**{f"{self.field}__isnull": True})
        return self.queryset.filter(**{self.field: value})

    def _ranked(self, values: list) -> QuerySet:
        """The citizens with these values in page order, in one query."""
        whens = [
            When(Q(**{f"{self.field}__isnull": True}) if v is None else Q(**{self.field: v}), then=Value(i))
            for i, v in enumerate(values)
        ]
        rank = Case(*whens, default=Value(len(values)), output_field=IntegerField())
        selected = self.queryset
        if len(values) < len(self.groups):
            wanted = Q(**{f"{self.field}__in": [v for v in values if v is not None]})
            if None in values:
                wanted |= Q(**{f"{self.field}__isnull": True})
            selected = selected.filter(wanted)
        return selected.order_by(rank, *self.within)

    def __iter__(self) -> Iterator:
        return iter(self._ranked([v for v, _n in self.groups]))

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        parts, offset = [], 0  # (value, first row, end row) within the value
        for value, n in self.groups:
            lo, hi = max(start - offset, 0), min(stop - offset, n)
            if lo < hi:
                parts.append((value, lo, hi, n))
            offset += n
            if offset >= stop:
                break
        if not parts:
            return []
        first, *middle, last = parts if len(parts) > 1 else (parts[0], parts[0])
        page = rows(self._of(first[0]).order_by(*self.within), first[1], first[2])
        if len(parts) == 1:
            return page
        if middle:  # wholly on the page, so small: one query for all of them
            page += list(self._ranked([value for value, *_rest in middle]))
        return page + list(self._of(last[0]).order_by(*self.within)[: last[2]])
