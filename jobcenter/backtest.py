"""The backtest: the forecast the system would have made 12 months ago against what happened.

Pure module. Inputs are the forecast contacts and the contacts actually held per team and month;
the error measure is the mean absolute percentage error (MAPE) over the months with held
contacts (a month with none has no percentage error and is left out, and said so by ``months``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def mape(forecast: Sequence[float], actual: Sequence[float]) -> float | None:
    """Mean of |forecast - actual| / actual over months with actual > 0 (None when there are none)."""
    errors = [abs(f - a) / a for f, a in zip(forecast, actual, strict=True) if a > 0]
    return sum(errors) / len(errors) if errors else None


def compare(
    forecast: Mapping[Any, Sequence[float]], actual: Mapping[Any, Sequence[float]], months: int
) -> dict:
    """Per team and in total: forecast, actual, error per month and MAPE."""
    zero = [0.0] * months
    teams = sorted({*forecast, *actual}, key=str)
    rows = {}
    for team in teams:
        f, a = list(forecast.get(team, zero)), list(actual.get(team, zero))
        rows[team] = {"forecast": f, "actual": a, "mape": mape(f, a)}
    total_f = [sum(r["forecast"][i] for r in rows.values()) for i in range(months)]
    total_a = [sum(r["actual"][i] for r in rows.values()) for i in range(months)]
    return {"teams": rows, "total": {"forecast": total_f, "actual": total_a, "mape": mape(total_f, total_a)}}
