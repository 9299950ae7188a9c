"""Reads that feed the forecast: the caseload with its held contacts, the flows, the timing of talks
and each team's share of new enrolments, all as they stood on an explicit date ``on``.

``on`` may be in the past (the backtest): then only what was known on that day is read (starts
on or before it, ends before it, contacts held on or before it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, F, Min, Q

from catalogue.rulebook import RuleBook
from citizens.models import Contact, Enrolment
from citizens.obligations import ContactFacts, EnrolmentFacts, evaluate
from jobcenter import flows as fl
from jobcenter import forecast as fc

TIMING_SAMPLE = 3000


def _running(on: date, team_ids: list[int] | None = None):
    qs = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=on), start__lte=on, citizen__anonymised_at__isnull=True
    )
    if team_ids is not None:
        qs = qs.filter(citizen__team_id__in=team_ids)
    return qs


def flows_on(on: date) -> fl.Flows:
    """Inflow and Kaplan-Meier exits per target group from the enrolments known on ``on``."""
    codes = dict(Enrolment.target_group.field.related_model.objects.values_list("id", "code"))
    known = Enrolment.objects.filter(start__lte=on)
    window_end = on.replace(day=1)
    window_start = fl.month_add(window_end, -fl.WINDOW_MONTHS)
    starts: dict[tuple[str, date], float] = defaultdict(float)
    for gid, start, n in (
        known.filter(start__gte=window_start, start__lt=window_end)
        .values_list("target_group_id", "start")
        .annotate(n=Count("id"))
        .order_by()
    ):
        starts[(codes[gid], start.replace(day=1))] += n
    history_from = known.aggregate(m=Min("start"))["m"]
    rows = []
    for gid, days, n in (
        known.filter(end__lt=on)
        .annotate(d=F("end") - F("start"))
        .values_list("target_group_id", "d")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows.append((codes[gid], _days(days) + 1, True, float(n)))
    for gid, start, n in (
        known.filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("target_group_id", "start")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows.append((codes[gid], (on - start).days + 1, False, float(n)))
    return fl.Flows(fl.estimate_inflow(starts, on, history_from), fl.estimate_survival(rows))


def _days(value) -> int:
    return value.days if isinstance(value, timedelta) else int(value) // 86_400_000_000


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


def caseload_cohorts(*, on: date, team_ids: list[int] | None = None) -> list[fc.Cohort]:
    """Enrolments running on ``on`` with the contacts that can still meet an obligation: alike
    enrolments with the same contacts (relative to nothing: dates are absolute) share a cohort."""
    rows = list(
        _running(on, team_ids).values_list(
            "citizen_id", "citizen__team_id", "citizen__caseworker_id", "target_group__code",
            "start", "end", "exempt", "work_obligation",
        )
    )
    contacts = held_contacts(_running(on, team_ids).values("citizen_id"), on)
    counts: dict[tuple, int] = defaultdict(int)
    for cid, team, cw, group, start, end, exempt, wo in rows:
        last = on if end is None or end > on else end
        held = tuple(
            ContactFacts(d, kind, channel, by)
            for d, kind, channel, by in contacts.get(cid, ())
            if start <= d <= last
        )
        end_known = end if end is not None and end >= on else None
        counts[(team, cw, group, start, end_known, exempt, wo, held)] += 1
    return [
        fc.Cohort(g, s, n, e, x, w, team=t, caseworker=c, contacts=h)
        for (t, c, g, s, e, x, w, h), n in counts.items()
    ]


def exempt_shares(on: date) -> dict[str, float]:
    """Policy 4 of the forecast: each group's exempt share of the whole caseload on ``on``."""
    rows = (
        _running(on)
        .values_list("target_group__code")
        .annotate(n=Count("id"), x=Count("id", filter=Q(exempt=True, work_obligation=False)))
        .order_by()
    )
    return {g: x / n for g, n, x in rows if n}


def team_shares(on: date) -> dict[str, dict[int, float]]:
    """Each team's share of a group's starts in the 24 months before ``on`` (else of its caseload)."""
    since = fl.month_add(on.replace(day=1), -fl.WINDOW_MONTHS)
    out: dict[str, dict[int, float]] = {}
    for qs in (
        Enrolment.objects.filter(start__gte=since, start__lte=on),
        _running(on),
    ):
        counts: dict[str, dict[int, int]] = defaultdict(dict)
        for group, team, n in (
            qs.values_list("target_group__code", "citizen__team_id").annotate(n=Count("id")).order_by()
        ):
            counts[group][team] = n
        for group, per_team in counts.items():
            if group not in out:
                total = sum(per_team.values())
                out[group] = {t: n / total for t, n in per_team.items()}
    return out


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
        for rule, x in fc.timing_positions(evaluate(book, facts, held, on)):
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
