"""A caseload of cohorts as columns (numpy arrays, one entry per cohort), so a million-citizen
caseload (about 370,000 cohorts: the summary groups by caseworker and start day) is grouped, split
by team and summed with array operations instead of one Python object per cohort.

Pure module (no ORM). ``Cohort`` (below) stays the unit a caller writes by hand; a table iterates
as Cohorts, and ``CaseloadTable.of`` turns any list of them into a table. Dates are day ordinals;
-1 stands for "none" in ``end``, ``team`` and ``caseworker``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from citizens.obligations import ContactFacts

COLUMNS = ("group", "start", "end", "exempt", "work_obligation", "short_absence", "team", "caseworker",
           "n", "contacts")
NONE = -1


@dataclass(slots=True)
class Cohort:
    """``n`` enrolments alike in everything the engine looks at, held by one team and caseworker:
    the unit a caller writes by hand (a large caseload travels as a ``CaseloadTable``)."""

    target_group: str
    start: date
    n: float  # a weight: a typed-in inflow may be fractional
    end: date | None = None
    exempt: bool = False
    work_obligation: bool = False
    team: int | None = None
    caseworker: int | None = None
    contacts: tuple[ContactFacts, ...] = ()  # held before ``on``, no ids (so alike cohorts merge)
    short_absence: bool = False


@dataclass(frozen=True)
class CaseloadTable:
    groups: tuple[str, ...]  # target group codes; ``group`` holds indexes into it
    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    exempt: np.ndarray
    work_obligation: np.ndarray
    short_absence: np.ndarray
    team: np.ndarray
    caseworker: np.ndarray
    n: np.ndarray
    contacts: np.ndarray  # indexes into ``contact_sets``
    contact_sets: tuple[tuple, ...] = ((),)

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def of(cls, cohorts: Iterable[Cohort] | CaseloadTable) -> CaseloadTable:
        """``cohorts`` as a table (a table is returned as it is)."""
        if isinstance(cohorts, CaseloadTable):
            return cohorts
        groups: dict[str, int] = {}
        sets: dict[tuple, int] = {(): 0}
        rows = [
            (groups.setdefault(c.target_group, len(groups)), c.start.toordinal(),
             NONE if c.end is None else c.end.toordinal(), c.exempt, c.work_obligation, c.short_absence,
             NONE if c.team is None else c.team, NONE if c.caseworker is None else c.caseworker, c.n,
             sets.setdefault(c.contacts, len(sets)))
            for c in cohorts
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
        return cls.from_columns(tuple(groups), *columns, contact_sets=tuple(sets))

    @classmethod
    def from_columns(cls, groups, group, start, end, exempt, wo, short, team, caseworker, n, contacts=None,
                     contact_sets=((),)) -> CaseloadTable:
        size = len(group)
        return cls(
            tuple(groups), np.asarray(group, dtype=np.int64), np.asarray(start, dtype=np.int64),
            np.asarray(end, dtype=np.int64), np.asarray(exempt, dtype=bool), np.asarray(wo, dtype=bool),
            np.asarray(short, dtype=bool), np.asarray(team, dtype=np.int64),
            np.asarray(caseworker, dtype=np.int64), np.asarray(n, dtype=np.float64),
            np.zeros(size, dtype=np.int64) if contacts is None else np.asarray(contacts, dtype=np.int64),
            tuple(contact_sets),
        )

    # --- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.group)

    def __iter__(self) -> Iterator[Cohort]:
        day = date.fromordinal
        groups, sets = self.groups, self.contact_sets
        for g, s, e, x, w, a, t, c, n, k in zip(*(getattr(self, name).tolist() for name in COLUMNS),
                                                strict=True):
            yield Cohort(groups[g], day(s), n, None if e == NONE else day(e), x, w,
                            team=None if t == NONE else t, caseworker=None if c == NONE else c,
                            contacts=sets[k], short_absence=a)

    def where(self, rows: np.ndarray) -> CaseloadTable:
        """The cohorts where the mask ``rows`` is true (or at the indexes ``rows``), in that order."""
        return CaseloadTable(self.groups, *(getattr(self, name)[rows] for name in COLUMNS),
                             contact_sets=self.contact_sets)

    def only_teams(self, team_ids: Iterable[int]) -> CaseloadTable:
        ids = [NONE if t is None else t for t in team_ids]
        return self.where(np.isin(self.team, np.asarray(ids, dtype=np.int64)))

    def running_on(self, on: date) -> np.ndarray:
        """Mask of the cohorts enrolled on ``on``."""
        day = on.toordinal()
        return (self.start <= day) & ((self.end == NONE) | (self.end >= day))

    def total(self) -> float:
        return float(self.n.sum())

    # --- shares (policy 4 and 5 of the forecast) --------------------------------------------

    def exempt_shares(self) -> dict[str, float]:
        """The exempt share per target group (exempt without a work obligation), as
        ``forecast.quota_weights`` over the cohorts."""
        size = len(self.groups)
        total = np.bincount(self.group, weights=self.n, minlength=size)
        exempt = np.bincount(self.group, weights=np.where(self.exempt & ~self.work_obligation, self.n, 0.0),
                             minlength=size)
        return {self.groups[g]: float(exempt[g] / total[g]) for g in self._groups_seen() if total[g]}

    def team_shares(self, since: date) -> dict[str, dict[int | None, float]]:
        """Each team's share of a group's cohorts that started on or after ``since`` (else of all
        the group's cohorts), teams in the order first seen."""
        recent = self.start >= since.toordinal()
        with_recent = np.bincount(self.group[recent], minlength=len(self.groups)) > 0
        use = recent | ~with_recent[self.group]
        group, team = self.group[use], self.team[use]
        pair_of, pair_first = first_seen(group, team)
        counts = np.bincount(pair_of, weights=self.n[use], minlength=len(pair_first)).tolist()
        per_group: dict[int, dict[int | None, float]] = {g: {} for g in self._groups_seen()}
        for g, t, c in zip(group[pair_first].tolist(), team[pair_first].tolist(), counts, strict=True):
            per_group[g][None if t == NONE else t] = c
        out = {}
        for g, per_team in per_group.items():
            total = sum(per_team.values())
            out[self.groups[g]] = {t: c / total for t, c in per_team.items()}
        return out

    def _groups_seen(self) -> list[int]:
        seen = self.__dict__.get("_seen")
        if seen is None:  # kept on the table (frozen: written past __setattr__)
            _rank, first = first_seen(self.group)
            seen = self.__dict__["_seen"] = self.group[first].tolist()
        return seen

    # --- storage ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The columns as a compressed ``.npz`` (no pickles; about 2 MB at 1M citizens, a fifth of
        the plain columns, so quicker to read from the database): for contactless tables, as the
        summary keeps."""
        if len(self.contact_sets) > 1:
            raise ValueError("only a table without contacts is stored")
        buf = io.BytesIO()
        np.savez_compressed(buf, groups=np.asarray(self.groups, dtype=str),
                 **{name: _narrow(getattr(self, name)) for name in COLUMNS if name != "contacts"})
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> CaseloadTable:
        with np.load(io.BytesIO(blob), allow_pickle=False) as f:
            return cls.from_columns(tuple(f["groups"].tolist()),
                                    *(f[name] for name in COLUMNS if name != "contacts"))


def _narrow(column: np.ndarray) -> np.ndarray:
    """``column`` in the fewest bits (8, 16 or 32) that hold every value exactly, so there are
    fewer bytes to read; ``from_columns`` widens it again."""
    if column.dtype == bool or not len(column):
        return column
    if column.dtype.kind == "f" and not (np.isfinite(column).all() and (column == np.floor(column)).all()):
        return column  # fractional weights stay floats
    lo, hi = column.min(), column.max()
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return column.astype(dtype)
    return column


def first_seen(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group rows alike in every column: (each row's group, numbered in the order groups are first
    met, and the first row of each group), as a dict keyed by the row's values would number them.
    The columns are combined into one integer key (value - min where the values are dense, else
    their rank), so there is one one-dimensional sort."""
    size = len(columns[0]) if columns else 0
    key = np.zeros(size, dtype=np.int64)
    span = 1
    for col in columns:
        col = np.asarray(col, dtype=np.int64)
        lo, hi = (int(col.min()), int(col.max())) if size else (0, 0)
        width = hi - lo + 1
        if width > max(size, 1024):  # sparse values: their rank keeps the key small
            values, rank = np.unique(col, return_inverse=True)
            width = len(values)
        else:
            rank = col - lo
        if span * width >= 2**62:  # renumber before the key overflows
            values, key = np.unique(key, return_inverse=True)
            span = len(values)
        key = key * width + rank
        span *= width
    if not size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # np.unique would sort stably (timsort); an unstable sort and the least row per group give
    # the same groups and first rows in about half the time
    rows = np.argsort(key)
    ordered = key[rows]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    first = np.minimum.reduceat(rows, starts)
    group = np.empty(size, dtype=np.int64)
    group[rows] = np.cumsum(np.concatenate(([False], ordered[1:] != ordered[:-1])))
    order = np.argsort(first)  # first rows are distinct: no ties
    number = np.empty(len(order), dtype=np.int64)
    number[order] = np.arange(len(order))
    return number[group], first[order]
