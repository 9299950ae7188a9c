"""Reads for the quota compliance report: the cohorts of the teams a user may see, run through the
engine on an explicit date, summed by the pure ``citizens.compliance``; plus the worklist filter
that lists the citizens of an at-risk cohort.

The report reruns the engine at read time (met and late obligations are not stored), only for
enrolments in a group with a quota rule that started in the last 12 months.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import tablib
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from catalogue.rulebook import KIND_LABELS, PERFORMER_LABELS, RuleBook
from catalogue.selectors import current_rulebook
from citizens.compliance import (
    Case,
    Pool,
    Row,
    compliance_rows,
    exemption_use,
    last_cohorts,
)
from citizens.models import Citizen, Contact, Enrolment
from citizens.obligations import ContactFacts, EnrolmentFacts, add_months, evaluate
from jobcenter.models import Team

COHORTS = 12
WORKLIST_OPEN = ("open", "due_soon")


def quota_groups(book: RuleBook) -> set[str]:
    """Target groups with a quota rule in an active statutory set (directly or via the mapping)."""
    return {
        group.code
        for group in book.target_groups
        for rule_set in book.statutory_sets()
        if any(rule.quota_pct < 100 for rule in book.rules_for(rule_set, group.code))
    }


def pool_rules(book: RuleBook, pool: Pool) -> list[tuple[str, str]]:
    """(rule set, rule) codes of the active rules in a pool."""
    return [
        (rule_set.code, rule.code)
        for rule_set in book.statutory_sets()
        for rule in rule_set.rules
        if (rule.performed_by, rule.kind, rule.quota_pct) == (pool.performed_by, pool.kind, pool.quota_pct)
    ]


def pool_from_key(key: str) -> Pool | None:
    parts = key.rsplit("-", 2)  # the performer may hold a hyphen ("a-kasse")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return Pool(parts[0], parts[1], int(parts[2]))


def pool_label(pool: Pool) -> str:
    return _("%(who)s: %(kind)s, kvote %(quota)s %%") % {
        "who": _(PERFORMER_LABELS.get(pool.performed_by, pool.performed_by)),
        "kind": _(KIND_LABELS.get(pool.kind, pool.kind)),
        "quota": pool.quota_pct,
    }


def cohort_bounds(cohort: str) -> tuple[date, date]:
    year, month = (int(part) for part in cohort.split("-"))
    first = date(year, month, 1)
    return first, add_months(first, 1)


def compliance_cases(team_ids: list[int] | None, on: date, book: RuleBook | None = None) -> list[Case]:
    """Every enrolment in a quota group that started in the last 12 cohorts, with its obligations
    on ``on``; ``team_ids`` None = the whole municipality."""
    book = book or current_rulebook()
    first, _last = cohort_bounds(last_cohorts(on, COHORTS)[0])
    enrolments = Enrolment.objects.filter(
        target_group__code__in=quota_groups(book), start__gte=first, start__lte=on
    )
    if team_ids is not None:
        enrolments = enrolments.filter(citizen__team_id__in=team_ids)
    rows = list(
        enrolments.values_list(
            "id", "citizen_id", "citizen__team_id", "target_group__code", "start", "end", "exempt",
            "work_obligation",
        )
    )
    contacts: dict[int, list[ContactFacts]] = defaultdict(list)
    citizen_ids = sorted({row[1] for row in rows})
    for i in range(0, len(citizen_ids), 5000):
        for pk, citizen_id, day, kind, channel, performed_by, outcome in Contact.objects.filter(
            citizen_id__in=citizen_ids[i : i + 5000], date__lte=on
        ).values_list("id", "citizen_id", "date", "kind", "channel", "performed_by", "outcome"):
            contacts[citizen_id].append(ContactFacts(day, kind, channel, performed_by, outcome, pk))
    cases = []
    for pk, citizen_id, team_id, group, start, end, exempt, work_obligation in rows:
        facts = EnrolmentFacts(group, start, end, exempt, work_obligation)
        try:
            obligations = evaluate(book, facts, contacts.get(citizen_id, ()), on)
        except (ValueError, OverflowError):
            continue
        cases.append(Case(pk, citizen_id, team_id, start, obligations, exempt, work_obligation))
    return cases


def _row_dict(row: Row, team_names: dict[int, str]) -> dict:
    return {
        "pool": row.pool.key,
        "cohort": row.cohort,
        "team": team_names.get(row.team_id, "") if row.team_id is not None else None,
        "team_id": row.team_id,
        "enrolments": row.enrolments,
        "met": row.met,
        "late": row.late,
        "exempt": row.exempt,
        "open": row.open,
        "missed": row.missed,
        "share": round(row.share, 4),
        "share_pct": round(row.share * 100, 1),
        "quota_pct": row.pool.quota_pct,
        "state": row.state,
        "needed": row.needed,
    }


STATE_LABELS = {"met": "Opfyldt", "at_risk": "I risiko", "missed": "Ikke opfyldt"}


def compliance_report(teams: list[Team] | None, on: date) -> dict:
    """Everything the page, the API and the export show; ``teams`` None = the municipality."""
    book = current_rulebook()
    team_ids = None if teams is None else [t.pk for t in teams]
    team_names = dict(Team.objects.values_list("id", "name"))
    cases = compliance_cases(team_ids, on, book)
    cohorts = last_cohorts(on, COHORTS)
    by_team = compliance_rows(cases, on)
    totals = {(r.pool, r.cohort): r for r in compliance_rows(cases, on, by_team=False)}
    pools = sorted({r.pool for r in by_team}, key=lambda p: (p.performed_by != "kommune", p.key))
    exemptable = {(rs.code, r.code) for rs in book.rule_sets for r in rs.rules if r.exemptable}
    report_pools = []
    for pool in pools:
        trend = []
        for cohort in cohorts:
            row = totals.get((pool, cohort)) or Row(pool, cohort, None)
            trend.append(_row_dict(row, team_names))
        rows = [_row_dict(r, team_names) for r in by_team if r.pool == pool]
        report_pools.append(
            {
                "key": pool.key,
                "chart_id": f"compliance-data-{pool.key}",
                "label": pool_label(pool),
                "quota_pct": pool.quota_pct,
                "performed_by": pool.performed_by,
                "rows": rows,
                "trend": trend,
                "at_risk": [r for r in rows if r["state"] == "at_risk"],
                "chart": {
                    "labels": cohorts,
                    "share": [round(t["share"] * 100, 1) if t["enrolments"] else None for t in trend],
                    "quota": [pool.quota_pct] * len(cohorts),
                },
            }
        )
    exemptions = [
        {
            "performed_by": use.performed_by,
            "label": _(PERFORMER_LABELS.get(use.performed_by, use.performed_by)),
            "eligible": use.eligible,
            "exempt": use.exempt,
            "share": round(use.share, 4),
            "share_pct": round(use.share * 100, 1),
            "within_limit": use.within_limit,
        }
        for use in exemption_use(cases, on, exemptable)
    ]
    return {"on": on, "pools": report_pools, "exemptions": exemptions}


def compliance_dataset(report: dict) -> tablib.Dataset:
    """The per-team rows of every pool, as exported (CSV/XLSX)."""
    data = tablib.Dataset(
        headers=[
            _("Kvote"), _("Kohorte"), _("Team"), _("Forløb"), _("Opfyldt til tiden"), _("Opfyldt for sent"),
            _("Fritaget"), _("Stadig åbne"), _("Ikke opfyldt"), _("Andel til tiden (%)"), _("Kvote (%)"),
            _("Vurdering"),
        ]
    )
    for pool in report["pools"]:
        for r in pool["rows"]:
            data.append(
                [
                    pool["label"], r["cohort"], r["team"], r["enrolments"], r["met"], r["late"],
                    r["exempt"], r["open"], r["missed"], round(r["share"] * 100, 1), r["quota_pct"],
                    _(STATE_LABELS[r["state"]]),
                ]
            )
    return data


def worklist_at_risk(queryset: QuerySet[Citizen], pool_key: str, cohort: str) -> QuerySet[Citizen]:
    """Citizens of a cohort with an obligation of the pool still open in time: the ones whose talks
    decide whether an at-risk cohort reaches its quota."""
    pool = pool_from_key(pool_key)
    try:
        first, after = cohort_bounds(cohort)
    except ValueError:
        return queryset.none()
    if pool is None:
        return queryset.none()
    rules = Q()
    for rule_set, rule in pool_rules(current_rulebook(), pool):
        rules |= Q(obligations__rule_set=rule_set, obligations__rule=rule)
    if not rules:
        return queryset.none()
    enrolments = Enrolment.objects.filter(
        rules, start__gte=first, start__lt=after, obligations__status__in=WORKLIST_OPEN
    )
    return queryset.filter(pk__in=enrolments.values("citizen_id"))
