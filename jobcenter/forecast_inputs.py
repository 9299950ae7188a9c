"""Reads that feed the forecast: the caseload with its held contacts, the flows, the timing of talks
and each team's share of new enrolments, all as they stood on an explicit date ``on``.

``on`` may be in the past (the backtest): then only what was known on that day is read (starts
on or before it, ends before it, contacts held on or before it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from catalogue.models import TargetGroup
from catalogue.rulebook import RuleBook
from citizens.models import Contact, Enrolment
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate
from jobcenter import cohort_summary
from jobcenter import flows as fl
from jobcenter import forecast as fc
from jobcenter.caseload_table import CaseloadTable
from jobcenter.gcpause import paused

TIMING_SAMPLE = 3000
HELD_SAMPLE = 10_000


def _running(on: date, team_ids: list[int] | None = None):
    qs = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=on), start__lte=on, citizen__anonymised_at__isnull=True
    )
    if team_ids is not None:
        qs = qs.filter(citizen__team_id__in=team_ids)
    return qs


def _codes() -> dict[int, str]:
    return dict(TargetGroup.objects.values_list("id", "code"))


@paused
def caseload_and_flows(on: date) -> tuple[CaseloadTable, fl.Flows]:
    """The running caseload as cohorts (without contacts) and the flows on ``on``: read from the
    summary the refresh keeps for that day (``jobcenter.cohort_summary``), else from the enrolments:
    the running ones grouped per team, caseworker and everything the engine looks at
    (``plain_cohorts``), and the flows aggregated in the database (``flows_on``), so a date the
    summary does not cover (the backtest's, a year back) reads a few thousand rows, not one per
    distinct enrolment of the whole history."""
    summarised = cohort_summary.read(on, _codes())
    if summarised is not None:
        return summarised
    return plain_cohorts(on=on), flows_on(on)


def flows_on(on: date) -> fl.Flows:
    """Inflow and Kaplan-Meier exits per target group from the enrolments known on ``on``.

    The database aggregates (ids, no joins): starts per group and month of the inflow window,
    the earliest start, and enrolments per group, duration in days and ended/censored (the
    ``durations`` of ``flows.duration_row``), so a few thousand rows reach Python instead of one
    per distinct (group, start, end). Same figures as ``flows.estimate_flows`` over every
    enrolment (``tests/jobcenter/test_flows_db.py``)."""
    codes = _codes()
    window_end = on.replace(day=1)
    window_start = fl.month_add(window_end, -fl.WINDOW_MONTHS)
    starts: dict[tuple[str, date], float] = defaultdict(float)
    durations: dict[tuple[str, int, bool], float] = defaultdict(float)
    if connection.vendor == "postgresql":
        history_from = _flow_rows_pg(on, window_start, window_end, codes, starts, durations)
    else:
        history_from = _flow_rows_orm(on, window_start, window_end, codes, starts, durations)
    survival = fl.estimate_survival((g, d, e, n) for (g, d, e), n in durations.items())
    return fl.Flows(fl.estimate_inflow(starts, on, history_from), survival)


def _flow_rows_orm(on, window_start, window_end, codes, starts, durations) -> date | None:
    """``flows_on``'s aggregates through the ORM (any database)."""
    known = Enrolment.objects.filter(start__lte=on)
    history_from = known.aggregate(first=Min("start"))["first"]
    month = TruncMonth("start", output_field=DateField())
    in_window = known.filter(start__gte=window_start, start__lt=window_end)
    for gid, first, n in (
        in_window.annotate(month=month).values_list("target_group_id", "month").annotate(n=Count("id"))
        .order_by()
    ):
        starts[(codes[gid], first)] += n
    ended = Q(end__isnull=False, end__lt=on)
    days = Case(
        When(ended, then=F("end") - F("start")), default=Value(on) - F("start"),
        output_field=DurationField(),
    )
    rows = (
        known.annotate(days=days, ended=ExpressionWrapper(ended, output_field=BooleanField()))
        .values_list("target_group_id", "days", "ended")
        .annotate(n=Count("id"))
        .order_by()
    )
    for gid, span, is_ended, n in rows:
        durations[(codes[gid], span.days + 1, bool(is_ended))] += n
    return history_from


def _flow_rows_pg(on, window_start, window_end, codes, starts, durations) -> date | None:
    """``flows_on``'s aggregates in PostgreSQL: two GROUP BYs on plain columns whose group counts
    the planner knows (column statistics, and the extended statistics on the duration of
    migration ``citizens 0009``), so both run in parallel and hash in memory.

    Starts per group and day, with how many of them are still running on ``on``: a running
    enrolment's observed days follow from its start, and the days give the starts per month of
    the window and the earliest start. Then ended enrolments per group and duration. (A single
    GROUP BY on a CASE of the two durations was estimated at 250,000 groups for its 32,500, ran
    on one core and took about twice as long.)"""
    history_from = None
    with connection.cursor() as cur:
        cur.execute(
            """SELECT target_group_id, start, count(*),
                      count(*) FILTER (WHERE "end" IS NULL OR "end" >= %(on)s)
               FROM citizens_enrolment WHERE start <= %(on)s GROUP BY 1, 2""",
            {"on": on},
        )
        for gid, start, n, running in cur.fetchall():
            group = codes[gid]
            if running:
                durations[(group, (on - start).days + 1, False)] += running
            if window_start <= start < window_end:
                starts[(group, start.replace(day=1))] += n
            if history_from is None or start < history_from:
                history_from = start
        cur.execute(
            """SELECT target_group_id, "end" - start, count(*)
               FROM citizens_enrolment WHERE start <= %(on)s AND "end" < %(on)s GROUP BY 1, 2""",
            {"on": on},
        )
        for gid, span, n in cur.fetchall():
            durations[(codes[gid], span + 1, True)] += n
    return history_from


def held_contacts(citizen_ids, on: date) -> dict[int, list[tuple]]:
    """Held contacts per citizen on or before ``on``, oldest first (plain tuples)."""
    out: dict[int, list[tuple]] = defaultdict(list)
    qs = Contact.objects.filter(outcome="held", date__lte=on)
    if citizen_ids is not None:
        qs = qs.filter(citizen_id__in=citizen_ids)
    fields = ("citizen_id", "date", "kind", "channel", "performed_by")
    ordered = qs.values_list(*fields).order_by("citizen_id", "date", "kind", "channel")
    for cid, d, kind, channel, by in ordered:
        out[cid].append((d, kind, channel, by))
    return out


def plain_cohorts(*, on: date, team_ids: list[int] | None = None) -> CaseloadTable:
    """Enrolments running on ``on`` as cohorts without their contacts: one GROUP BY."""
    codes = _codes()
    rows = (
        _running(on, team_ids)
        .values_list(
            "citizen__team_id", "citizen__caseworker_id", "target_group_id", "start", "end", "exempt",
            "work_obligation", "short_absence",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    return CaseloadTable.of(
        fc.Cohort(codes[g], s, n, e, x, w, team=t, caseworker=c, short_absence=a)
        for t, c, g, s, e, x, w, a, n in rows
    )


def shares_from_cohorts(cohorts: Iterable[fc.Cohort] | CaseloadTable, on: date) -> tuple[dict, dict]:
    """(team shares, exempt shares) per group from the running caseload: a team's share of the
    group's enrolments started in the last 24 months (else of the whole caseload), and the
    group's exempt share (policy 4 of the forecast)."""
    table = CaseloadTable.of(cohorts)
    return table.team_shares(fl.month_add(on.replace(day=1), -fl.WINDOW_MONTHS)), table.exempt_shares()


def recent_team_shares(on: date, groups: set[str]) -> dict[str, dict[int, float]]:
    """Team shares of ``groups`` from starts in the 24 months before ``on`` (ended ones too), for
    groups with an inflow but nobody enrolled today."""
    since = fl.month_add(on.replace(day=1), -fl.WINDOW_MONTHS)
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for group, team, n in (
        Enrolment.objects.filter(start__gte=since, start__lte=on, target_group__code__in=groups)
        .values_list("target_group__code", "citizen__team_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[group][team] = n
    return {g: {t: n / sum(per.values()) for t, n in per.items()} for g, per in counts.items()}


def held_sample(on: date, size: int) -> list[tuple[EnrolmentFacts, list[ContactFacts]]]:
    """About ``size`` running enrolments (every k-th by id, so spread over the whole caseload) with
    their held contacts, for the held shares of the forecast's policy 1a."""
    bounds = Enrolment.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    step = max(1, (bounds["hi"] - bounds["lo"]) // max(1, size))
    ids = list(range(bounds["lo"], bounds["hi"] + 1, step))
    rows = list(
        _running(on)
        .filter(id__in=ids)
        .values_list(
            "citizen_id", "target_group__code", "start", "end", "exempt", "work_obligation", "short_absence",
            "citizen__team_id",
        )
        .order_by("id")
    )
    contacts = held_contacts([r[0] for r in rows], on)
    out = []
    for cid, group, start, end, exempt, wo, short, team in rows:
        last = on if end is None or end > on else end
        known_end = end if end is not None and end >= on else None
        facts = EnrolmentFacts(group, start, known_end, exempt, wo, short, team)
        held = [ContactFacts(d, k, c, b) for d, k, c, b in contacts.get(cid, ()) if start <= d <= last]
        out.append((facts, held))
    return out


def caseload_cohorts(*, on: date, team_ids: list[int] | None = None) -> list[fc.Cohort]:
    """Enrolments running on ``on`` with the contacts that can still meet an obligation: alike
    enrolments with the same contacts (relative to nothing: dates are absolute) share a cohort."""
    rows = list(
        _running(on, team_ids).values_list(
            "citizen_id", "citizen__team_id", "citizen__caseworker_id", "target_group__code",
            "start", "end", "exempt", "work_obligation", "short_absence",
        )
    )
    contacts = held_contacts(_running(on, team_ids).values("citizen_id"), on)
    counts: dict[tuple, int] = defaultdict(int)
    for cid, team, cw, group, start, end, exempt, wo, short in rows:
        last = on if end is None or end > on else end
        held = tuple(
            ContactFacts(d, kind, channel, by)
            for d, kind, channel, by in contacts.get(cid, ())
            if start <= d <= last
        )
        end_known = end if end is not None and end >= on else None
        counts[(team, cw, group, start, end_known, exempt, wo, held, short)] += 1
    return [
        fc.Cohort(g, s, n, e, x, w, team=t, caseworker=c, contacts=h, short_absence=a)
        for (t, c, g, s, e, x, w, h, a), n in counts.items()
    ]


def timing_on(book: RuleBook, on: date, sample: int = TIMING_SAMPLE) -> dict[str, tuple]:
    """Where in its window each rule's talks were held, from up to ``sample`` enrolments that
    started 6-30 months before ``on`` (their windows have mostly closed); first ones by id."""
    lo, hi = fl.month_add(on, -30), fl.month_add(on, -6)
    rows = list(
        Enrolment.objects.filter(start__gte=lo, start__lt=hi)
        .order_by("id")
        .values_list("citizen_id", "target_group__code", "start", "end", "exempt", "work_obligation")[:sample]
    )
    contacts = held_contacts([r[0] for r in rows], on)
    positions: dict[str, list[float]] = defaultdict(list)
    for cid, group, start, end, exempt, wo in rows:
        end = end if end is not None and end < on else None
        facts = EnrolmentFacts(group, start, end, exempt, wo)
        held = [ContactFacts(d, k, c, b) for d, k, c, b in contacts.get(cid, ())]
        for rule, x in fc.timing_positions(evaluate(book, facts, held, on, explain=False)):
            positions[rule].append(x)
    return fc.estimate_timing(positions)


def held_per_team_month(first: date, months: int) -> dict[int, list[float]]:
    """Municipal contacts actually held per team and month (the backtest's truth)."""
    end = fl.month_add(first, months)
    out: dict[int, list[float]] = defaultdict(lambda: [0.0] * months)
    for team, d, n in (
        Contact.objects.filter(outcome="held", performed_by="kommune", date__gte=first, date__lt=end)
        .values_list("citizen__team_id", "date")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[team][fl.month_index(d) - fl.month_index(first)] += n
    return dict(out)
