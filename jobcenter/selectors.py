"""Reads for team leaders and admins: the caseload summarised in SQL, staff capacity per month.

Which teams a user may see is decided in ``jobcenter.perms.teams_visible_to``."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q

from citizens.models import Enrolment
from citizens.obligations import add_months
from jobcenter.capacity import available_hours
from jobcenter.forecast import Cohort
from jobcenter.models import Absence, Role, StaffMember


def caseload_cohorts(*, first_month: date, team_ids: list[int] | None = None) -> list[Cohort]:
    """The caseload as cohorts: one SQL GROUP BY over enrolments still running at ``first_month``."""
    qs = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=first_month), citizen__anonymised_at__isnull=True
    )
    if team_ids is not None:
        qs = qs.filter(citizen__team_id__in=team_ids)
    rows = (
        qs.values_list(
            "citizen__team_id",
            "citizen__caseworker_id",
            "target_group__code",
            "start",
            "end",
            "exempt",
            "work_obligation",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        Cohort(target_group=g, start=s, n=n, end=e, exempt=x, work_obligation=w, team=t, caseworker=c)
        for t, c, g, s, e, x, w, n in rows
    ]


def caseload_by_group() -> dict[str, int]:
    """Current enrolments (no end) per target group code."""
    rows = (
        Enrolment.objects.filter(end__isnull=True, citizen__anonymised_at__isnull=True)
        .values_list("target_group__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def staff_capacity(*, team_ids: list[int], first_month: date, months: int) -> dict[int, dict]:
    """{staff id: {"name", "team", "hours": [available hours per month]}} for caseworkers."""
    first = first_month.replace(day=1)
    last = add_months(first, months) - timedelta(days=1)
    staff = list(
        StaffMember.objects.filter(team_id__in=team_ids, role=Role.CASEWORKER).select_related("user")
    )
    absences = defaultdict(list)
    for sid, start, end in Absence.objects.filter(
        staff_member__in=staff, end__gte=first, start__lte=last
    ).values_list("staff_member_id", "start", "end"):
        absences[sid].append((start, end))
    month_list = [add_months(first, i) for i in range(months)]
    return {
        s.pk: {
            "name": str(s),
            "team": s.team_id,
            "hours": [
                available_hours(s.weekly_hours, s.casework_share, absences[s.pk], m) for m in month_list
            ],
        }
        for s in staff
    }
