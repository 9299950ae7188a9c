"""A deterministic, Kalundborg-sized demo municipality (fictitious people, plausible histories).

Everything is drawn from one seeded random generator, so the same seed and reference date give
the same data. Citizens, enrolments and contacts are bulk-inserted in chunks, so the same code
builds the 4,000-citizen demo and a 1,000,000-citizen benchmark database.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from catalogue.economy import load_demo_economy
from catalogue.loader import install_rulebook
from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.rulebook import load_rulebook
from citizens.cpr import make_cpr
from citizens.models import Citizen, Contact, Enrolment
from jobcenter.models import Role, StaffMember, Team

FIRST_NAMES = (
    "Anne",
    "Mette",
    "Hanne",
    "Susanne",
    "Lene",
    "Marianne",
    "Camilla",
    "Louise",
    "Sofie",
    "Emma",
    "Ida",
    "Freja",
    "Maja",
    "Laura",
    "Peter",
    "Jens",
    "Lars",
    "Michael",
    "Henrik",
    "Thomas",
    "Søren",
    "Niels",
    "Rasmus",
    "Mads",
    "Frederik",
    "Mikkel",
    "Jonas",
    "Emil",
    "Oliver",
    "Ali",
    "Fatima",
    "Ahmad",
    "Yasmin",
    "Karim",
    "Zainab",
    "Bo",
    "Kim",
    "Birgitte",
    "Jørgen",
    "Åse",
)
LAST_NAMES = (
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Holm",
    "Frederiksen",
    "Østergaard",
    "Dahl",
    "Karimi",
    "Hussein",
    "Yilmaz",
    "Berg",
    "Lund",
    "Bech",
)

# Team name -> the target groups it serves.
TEAMS = {
    "Team Dagpenge": ("dagpenge", "selvforsoergende"),
    "Team Jobparat": ("kh-jobparat", "ledighedsydelse"),
    "Team Unge": ("uh-uddannelsesparat", "uh-aktivitetsparat", "unge-under-18"),
    "Team Aktivitetsparat": ("kh-aktivitetsparat", "foertidspension"),
    "Team Sygedagpenge": ("sygedagpenge", "jobafklaring"),
    "Team Ressource & Revalidering": ("ressourceforloeb", "revalidering"),
}
CASEWORKERS_PER_TEAM = 6

# Share of the caseload per pre-2027 target group (sums to 4,000 for the default demo).
GROUP_WEIGHTS = {
    "dagpenge": 700,
    "kh-jobparat": 450,
    "kh-aktivitetsparat": 800,
    "uh-uddannelsesparat": 250,
    "uh-aktivitetsparat": 200,
    "sygedagpenge": 700,
    "jobafklaring": 150,
    "ressourceforloeb": 250,
    "ledighedsydelse": 200,
    "revalidering": 40,
    "foertidspension": 60,
    "selvforsoergende": 100,
    "unge-under-18": 100,
}
EXEMPTABLE_GROUPS = {"dagpenge", "kh-jobparat", "ledighedsydelse", "uh-uddannelsesparat"}
WORK_OBLIGATION_GROUPS = {"kh-jobparat", "kh-aktivitetsparat"}
FOLLOW_UP_GROUPS = {"sygedagpenge", "jobafklaring"}
REFORM_PHASE_1 = date(2026, 7, 1)

DEMO_LOGINS = (
    ("sagsbehandler", "Sara", "Sagsbehandler", Role.CASEWORKER),
    ("teamleder", "Tobias", "Teamleder", Role.TEAM_LEADER),
    ("admin", "Alma", "Administrator", Role.ADMIN),
)
DEMO_TEAM = "Team Jobparat"
DEMO_PASSWORD = "demo"  # noqa: S105 - demo only, created by seed_demo and never in production


@dataclass
class DemoSummary:
    created: bool
    teams: int
    staff: int
    citizens: int
    enrolments: int
    contacts: int


def ensure_shipped_rules() -> None:
    """The demo needs the statutory rule sets; a flushed database (tests) may have lost them."""
    if not TargetGroup.objects.exists():
        install_rulebook(load_rulebook(), TargetGroup=TargetGroup, RuleSet=RuleSet, ContactRule=ContactRule)


def _staff_user(username: str, first: str, last: str, *, password: str | None, is_admin: bool):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save()
    return user


def build_organisation(rng: random.Random) -> dict[str, list[StaffMember]]:
    """Teams, a leader and caseworkers each, and the three demo logins. Idempotent."""
    caseworkers: dict[str, list[StaffMember]] = {}
    for index, name in enumerate(TEAMS):
        team, _ = Team.objects.get_or_create(name=name)
        leader_user = _staff_user(
            f"tl{index + 1}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), password=None, is_admin=False
        )
        leader, _ = StaffMember.objects.get_or_create(
            user=leader_user, defaults={"team": team, "role": Role.TEAM_LEADER}
        )
        team.leaders.add(leader)
        members = []
        for n in range(CASEWORKERS_PER_TEAM):
            user = _staff_user(
                f"sb{index + 1}-{n + 1}",
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                password=None,
                is_admin=False,
            )
            member, _ = StaffMember.objects.get_or_create(
                user=user,
                defaults={
                    "team": team,
                    "role": Role.CASEWORKER,
                    "weekly_hours": rng.choice((37, 37, 37, 32, 30)),
                    "casework_share": rng.choice((70, 75, 80, 85)),
                },
            )
            members.append(member)
        caseworkers[name] = members
    demo_team = Team.objects.get(name=DEMO_TEAM)
    for username, first, last, role in DEMO_LOGINS:
        user = _staff_user(username, first, last, password=DEMO_PASSWORD, is_admin=role == Role.ADMIN)
        member, _ = StaffMember.objects.get_or_create(
            user=user, defaults={"team": None if role == Role.ADMIN else demo_team, "role": role}
        )
        if role == Role.TEAM_LEADER:
            demo_team.leaders.add(member)
        if role == Role.CASEWORKER:
            caseworkers[DEMO_TEAM].insert(0, member)
    return caseworkers


def _weighted_groups(rng: random.Random, n: int) -> list[str]:
    codes = list(GROUP_WEIGHTS)
    return rng.choices(codes, weights=[GROUP_WEIGHTS[c] for c in codes], k=n)


def _contacts_for(rng: random.Random, group: str, start: date, end: date, diligent: bool) -> Iterator[dict]:
    """A plausible contact history from start to end: first talk in person, then every 4–10 weeks."""
    kind = "opfoelgningssamtale" if group in FOLLOW_UP_GROUPS else "jobsamtale"
    day = start + timedelta(days=rng.randint(1, 9 if diligent else 20))
    first = True
    stop_after = rng.randint(1, 3) if not diligent else 99
    count = 0
    while day <= end and count < stop_after:
        a_kasse = group == "dagpenge" and (day - start).days < 91
        channel = (
            "fremmoede"
            if first or rng.random() < 0.45
            else rng.choice(("telefon", "telefon", "video", "digital"))
        )
        roll = rng.random()
        outcome = "held" if roll < 0.9 else ("absent" if roll < 0.97 else "cancelled")
        yield {
            "date": day,
            "kind": kind,
            "channel": channel,
            "performed_by": "a-kasse" if a_kasse else "kommune",
            "minutes": 45 if channel == "fremmoede" else (20 if channel == "digital" else 30),
            "outcome": outcome,
        }
        if outcome == "held":
            first = False
            count += 1
        day += timedelta(days=rng.randint(21, 75))


@transaction.atomic
def seed_demo(*, citizens: int = 4000, seed: int = 2026, on: date, chunk: int = 5000) -> DemoSummary:
    """Build the demo municipality, unless citizens already exist (then change nothing)."""
    rng = random.Random(seed)
    ensure_shipped_rules()
    caseworkers = build_organisation(rng)
    load_demo_economy()  # cost assumptions and catalogues (idempotent)
    if Citizen.objects.exists():
        return DemoSummary(
            False,
            Team.objects.count(),
            StaffMember.objects.count(),
            Citizen.objects.count(),
            Enrolment.objects.count(),
            Contact.objects.count(),
        )
    groups = {g.code: g for g in TargetGroup.objects.filter(generation="pre-2027")}
    team_of_group = {g: Team.objects.get(name=t) for t, gs in TEAMS.items() for g in gs}
    decider = {t.pk: t.leaders.first() for t in Team.objects.all()}
    totals = {"enrolments": 0, "contacts": 0}
    used_cprs: set[str] = set()
    for offset in range(0, citizens, chunk):
        size = min(chunk, citizens - offset)
        _seed_chunk(rng, offset, size, on, groups, team_of_group, caseworkers, decider, totals, used_cprs)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, or the planner guesses and scans whole tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE citizens_citizen, citizens_enrolment, citizens_contact")
    return DemoSummary(
        True,
        Team.objects.count(),
        StaffMember.objects.count(),
        citizens,
        totals["enrolments"],
        totals["contacts"],
    )


def _seed_chunk(
    rng, offset, size, on, groups, team_of_group, caseworkers, decider, totals, used_cprs
) -> None:
    people = []
    plans = []
    for i, group in enumerate(_weighted_groups(rng, size)):
        serial = offset + i
        age = (
            rng.randint(15, 17)
            if group == "unge-under-18"
            else (rng.randint(18, 29) if group.startswith("uh-") else rng.randint(22, 66))
        )
        born = date(on.year - age, rng.randint(1, 12), rng.randint(1, 28))
        team = team_of_group[group]
        people.append(
            Citizen(
                cpr=_unique_cpr(born, serial, used_cprs),
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                team=team,
                caseworker=rng.choice(caseworkers[team.name]),
            )
        )
        start = on - timedelta(days=min(int(rng.expovariate(1 / 210)), 1000))
        previous = None
        if rng.random() < 0.08 and (on - start).days < 600:
            prev_group = rng.choice([g for g in GROUP_WEIGHTS if g != group])
            previous = (prev_group, start - timedelta(days=rng.randint(60, 400)), start - timedelta(days=1))
        plans.append((group, start, previous, rng.random() < 0.85))
    Citizen.objects.bulk_create(people, batch_size=2000)

    enrolments, contacts = [], []
    for citizen, (group, start, previous, diligent) in zip(people, plans, strict=True):
        if previous is not None:
            prev_group, prev_start, prev_end = previous
            enrolments.append(
                Enrolment(citizen=citizen, target_group=groups[prev_group], start=prev_start, end=prev_end)
            )
            contacts.extend(
                Contact(citizen=citizen, **c)
                for c in _contacts_for(rng, prev_group, prev_start, prev_end, True)
            )
        exempt = group in EXEMPTABLE_GROUPS and start >= REFORM_PHASE_1 and rng.random() < 0.12
        enrolments.append(
            Enrolment(
                citizen=citizen,
                target_group=groups[group],
                start=start,
                exempt=exempt,
                exempt_reason="Vurderet selvhjulpen: har konkrete jobudsigter." if exempt else "",
                exempt_decided_by=decider[citizen.team_id].user if exempt else None,
                work_obligation=not exempt and group in WORK_OBLIGATION_GROUPS and rng.random() < 0.15,
            )
        )
        contacts.extend(
            Contact(
                citizen=citizen, held_by=citizen.caseworker if c["performed_by"] == "kommune" else None, **c
            )
            for c in _contacts_for(rng, group, start, on, diligent)
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    Contact.objects.bulk_create(contacts, batch_size=5000)
    totals["enrolments"] += len(enrolments)
    totals["contacts"] += len(contacts)


def _unique_cpr(born: date, serial: int, used: set[str]) -> str:
    """A CPR not used yet: on a clash, move the (fictitious) birth date a day on."""
    cpr = make_cpr(born, serial)
    while cpr in used:
        born += timedelta(days=1)
        cpr = make_cpr(born, serial)
    used.add(cpr)
    return cpr
