"""A small caseload for the forecast and report tests."""

from datetime import date, timedelta

from catalogue.economy import load_demo_economy
from catalogue.loader import install_rulebook
from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.rulebook import load_rulebook
from citizens.models import Citizen, Enrolment
from jobcenter.models import Absence

ON = date(2026, 11, 27)

# (group, days before ON it started, exempt, work obligation, end offset in days from ON or None)
PLAN = [
    ("dagpenge", 10, False, False, None),
    ("dagpenge", 100, True, False, None),
    ("dagpenge", 400, False, False, None),
    ("kh-jobparat", 3, False, True, None),
    ("kh-jobparat", 50, True, False, None),
    ("kh-jobparat", 50, True, False, None),
    ("kh-aktivitetsparat", 200, False, False, None),
    ("kh-aktivitetsparat", 700, False, False, 60),
    ("sygedagpenge", 20, False, False, None),
    ("uh-uddannelsesparat", 5, True, False, None),
    ("ledighedsydelse", 90, False, False, None),
    ("jobafklaring", 30, False, False, None),
    ("ressourceforloeb", 150, False, False, -10),  # ended before the forecast month
    ("foertidspension", 300, False, False, None),
]


def ensure_rules() -> None:
    """Transactional tests flush the shipped rule data; put it back when it is missing."""
    if not TargetGroup.objects.exists():
        install_rulebook(load_rulebook(), TargetGroup=TargetGroup, RuleSet=RuleSet, ContactRule=ContactRule)


def make_caseload(alice, bob, *, on: date = ON) -> list[Enrolment]:
    ensure_rules()
    load_demo_economy()
    groups = {g.code: g for g in TargetGroup.objects.all()}
    out = []
    for i, (group, ago, exempt, wo, end) in enumerate(PLAN):
        worker = alice if i % 3 else bob
        citizen = Citizen.objects.create(
            cpr=f"{i:02d}01901234"[:10],
            first_name=f"B{i}",
            last_name="Test",
            team=worker.team,
            caseworker=worker,
        )
        out.append(
            Enrolment.objects.create(
                citizen=citizen,
                target_group=groups[group],
                start=on - timedelta(days=ago),
                end=None if end is None else on + timedelta(days=end),
                exempt=exempt,
                work_obligation=wo,
            )
        )
    Absence.objects.create(staff_member=alice, start=date(2026, 12, 21), end=date(2027, 1, 1), reason="Ferie")
    return out
