"""Array kernels of the forecast (numpy): the same arithmetic as ``forecast._Profiler.profile`` and
``presence`` and the sums over cohorts, done for every distinct input at once.

The figures are the same as the plain loops give, to the last bit: every value is computed with
the same operations in the same order (``share * S(d) / base``, ``w * minutes / 60``, round half to
even), ``math.exp`` for the survival tail as ``flows.Survival`` uses, and every sum adds its terms
in the loops' order (``np.bincount`` adds sequentially). ``tests/jobcenter/test_forecast_arrays.py``
checks it against the loops.
"""

from __future__ import annotations

import math

import numpy as np

from jobcenter.flows import Survival


class Curves:
    """``flows.Survival`` curves as arrays, converted once per forecast."""

    def __init__(self) -> None:
        self._arrays: dict[int, tuple] = {}

    def _of(self, curve: Survival) -> tuple:
        hit = self._arrays.get(id(curve))
        if hit is None:
            hit = self._arrays[id(curve)] = (
                curve,  # kept alive so its id is not reused
                np.asarray(curve.dense, dtype=np.float64),
                np.asarray(curve.times, dtype=np.int64),
                np.asarray(curve.values, dtype=np.float64),
            )
        return hit

    def at(self, curve: Survival, days: np.ndarray) -> np.ndarray:
        """``curve(d)`` for every whole day ``d`` of ``days`` (as ``Survival.__call__``)."""
        _, dense, times, values = self._of(curve)
        days = np.asarray(days, dtype=np.int64)
        out = np.ones(days.shape, dtype=np.float64)
        positive = days > 0
        if len(dense):
            in_dense = positive & (days <= curve.last_observed)
            out[in_dense] = dense[days[in_dense]]
            rest = positive & ~in_dense
        else:
            rest = positive
        if rest.any():
            d = days[rest]
            i = np.searchsorted(times, d, side="right")
            s = np.where(i > 0, values[np.maximum(i - 1, 0)], 1.0) if len(values) else np.ones(d.shape)
            if curve.tail_hazard > 0:
                tail = d > curve.last_observed
                if tail.any():
                    hazard, last = curve.tail_hazard, curve.last_observed
                    s[tail] = [x * math.exp(-hazard * (int(k) - last))
                               for x, k in zip(s[tail], d[tail], strict=True)]
            out[rest] = s
        return out


def profiles(
    *,
    n_inputs: int,
    n_months: int,
    row_input: np.ndarray,
    row_lo: np.ndarray,
    row_span: np.ndarray,
    row_share: np.ndarray,
    row_minutes: np.ndarray,
    row_points: np.ndarray,
    input_start: np.ndarray,
    input_end: np.ndarray,
    input_curve: list[Survival | None],
    first_ord: int,
    on_ord: int,
    month_of: list[int],
    curves: Curves,
) -> tuple[np.ndarray, np.ndarray]:
    """(contacts, hours) per input and month (arrays ``n_inputs x n_months``) from one row per
    counted obligation: its input, the first day of what is left of its window (ordinal), the
    window's length in days, the weight per point, the minutes and the points (policy 2; one row
    of the matrix ``row_points`` per obligation, padded with NaN).
    ``input_end`` is -1 where the end is not known; ``input_curve`` None means no flows."""
    size = n_inputs * n_months
    if not len(row_input):
        return np.zeros((n_inputs, n_months)), np.zeros((n_inputs, n_months))
    pts = row_points
    lo = np.asarray(row_lo, dtype=np.int64)[:, None]
    span = np.asarray(row_span, dtype=np.int64)[:, None]
    present = ~np.isnan(pts)
    # lo + round(p * span): Python's round is half to even, as np.rint
    day = lo + np.rint(np.where(present, pts, 0.0) * span).astype(np.int64)
    k = day - first_ord
    last = len(month_of)
    keep = present & ~((k < 0) & (day < on_ord)) & (k < last)
    month = np.where(k < 0, 0, np.asarray(month_of, dtype=np.int64)[np.clip(k, 0, last - 1)])
    inp = np.broadcast_to(np.asarray(row_input, dtype=np.int64)[:, None], day.shape)
    share = np.broadcast_to(np.asarray(row_share, dtype=np.float64)[:, None], day.shape)
    minutes = np.broadcast_to(np.asarray(row_minutes, dtype=np.float64)[:, None], day.shape)
    # flatten in the loops' order (row by row, point by point), kept cells only
    day, month, inp, share, minutes = (a[keep] for a in (day, month, inp, share, minutes))
    w = share.copy()
    end = input_end[inp]
    known = end >= 0
    w[known] = np.where(day[known] <= end[known], share[known], 0.0)
    ages = day - input_start[inp]
    open_ = ~known
    by_curve: dict[int, list] = {}
    for i in np.unique(inp[open_]).tolist():
        curve = input_curve[i]
        if curve is not None:
            by_curve.setdefault(id(curve), [curve, []])[1].append(i)
    base = np.ones(n_inputs)
    for curve, members in by_curve.values():
        idx = np.asarray(members, dtype=np.int64)
        base[idx] = curves.at(curve, on_ord - input_start[idx])
        mask = open_ & np.isin(inp, idx)
        b = base[inp[mask]]
        s = curves.at(curve, ages[mask])
        w[mask] = np.where(b > 0, share[mask] * s / np.where(b > 0, b, 1.0), 0.0)
    cell = inp * n_months + month
    contacts = np.bincount(cell, weights=w, minlength=size).reshape(n_inputs, n_months)
    hours = np.bincount(cell, weights=w * minutes / 60, minlength=size).reshape(n_inputs, n_months)
    return contacts, hours


def sum_rows(
    keys: np.ndarray, n_keys: int, weights: np.ndarray, rows: np.ndarray, index: np.ndarray,
) -> np.ndarray:
    """``out[k] = sum of weights[j] * rows[index[j]]`` over the j with ``keys[j] == k``, in j order.
    Month by month, so no entries x months matrix is built (in a fresh worker the memory for it
    cost more than the sums)."""
    n_months = rows.shape[1]
    out = np.empty((n_keys, n_months))
    for m in range(n_months):
        column = np.ascontiguousarray(rows[:, m])
        out[:, m] = np.bincount(keys, weights=weights * column[index], minlength=n_keys)
    return out
