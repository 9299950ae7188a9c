"""A deterministic, Kalundborg-sized demo municipality (fictitious people, plausible histories).

Three years of history: enrolments start with the seasons (more in January and August), last as
long as is typical for their target group (many have ended), and their contacts mostly follow the
rules in force at the time. After the data, ``FOLLOW_UPS`` run in order (a first forecast, so no
report is empty at first login); add a step there to seed more.

Everything is drawn from one seeded random generator, so the same seed and reference date give
the same data. Citizens, enrolments and contacts are bulk-inserted in chunks, so the same code
builds the 4,000-citizen demo and a 1,000,000-citizen benchmark database.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from catalogue.economy import load_demo_economy
from catalogue.loader import install_rulebook
from catalogue.models import ContactRule, RuleSet, TargetGroup
from catalogue.rulebook import load_rulebook
from catalogue.selectors import current_rulebook
from citizens.cpr import make_cpr
from citizens.models import Citizen, Contact, Enrolment
from citizens.obligations import EnrolmentFacts, evaluate
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
# Staffing: each team gets caseworkers for its running caseload at a caseload norm (citizens per
# caseworker). Norms: Team Jobparat 100 (Copenhagen's ordinary kontanthjælp departments, 100 per
# caseworker, NB-Beskæftigelse 12.4.2019); Aktivitetsparat 55 and Ressource & Revalidering 45
# (Dansk Socialrådgiverforening recommends 40-55 cases for citizens far from the labour market,
# avisen.dk/Information 2017); the others are assumptions inside the usual 50-150. Running
# enrolments per 1,000 demo citizens were measured on the default demo (4,000 citizens).
CASELOAD_NORM = {
    "Team Dagpenge": 120,
    "Team Jobparat": 100,
    "Team Unge": 60,
    "Team Aktivitetsparat": 55,
    "Team Sygedagpenge": 80,
    "Team Ressource & Revalidering": 45,
}
RUNNING_PER_1000 = {
    "Team Dagpenge": 33,
    "Team Jobparat": 57,
    "Team Unge": 51,
    "Team Aktivitetsparat": 151,
    "Team Sygedagpenge": 31,
    "Team Ressource & Revalidering": 56,
}


def team_size(team: str, citizens: int) -> int:
    """Caseworkers for a team of the demo (the demo login ``sagsbehandler`` counts in Team
    Jobparat): the expected running caseload / the team's caseload norm, at least one generated."""
    expected = citizens * RUNNING_PER_1000[team] / 1000
    size = round(expected / CASELOAD_NORM[team])
    return max(1, size - (1 if team == DEMO_TEAM else 0))

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
    from planning.models import SummonsTemplate

    if not SummonsTemplate.objects.filter(active=True).exists():
        # The shipped summons letter comes from a data migration; a flush removes it too.
        default_letter = import_module("planning.migrations.0002_default_summons_template")
        default_letter.add_template(django_apps, None)


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


def build_organisation(rng: random.Random, citizens: int = 4000) -> dict[str, list[StaffMember]]:
    """Teams, a leader and caseworkers each (``team_size``), and the three demo logins. Idempotent."""
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
        for n in range(team_size(name, citizens)):
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


# History: 3 years of starts, more in January and August, with typical durations per group.
HISTORY_DAYS = 3 * 365
SEASON = {1: 1.6, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0, 6: 0.9, 7: 0.7, 8: 1.6, 9: 1.1, 10: 1.0, 11: 1.0, 12: 0.7}
# Median days in the group (log-normal, spread 0.8): plausible, not measured.
MEDIAN_DAYS = {
    "dagpenge": 120,
    "kh-jobparat": 200,
    "kh-aktivitetsparat": 700,
    "uh-uddannelsesparat": 220,
    "uh-aktivitetsparat": 500,
    "sygedagpenge": 90,
    "jobafklaring": 330,
    "ressourceforloeb": 900,
    "ledighedsydelse": 360,
    "revalidering": 420,
    "foertidspension": 1200,
    "selvforsoergende": 70,
    "unge-under-18": 160,
}
HOLD_SHARE = {True: 0.93, False: 0.45}  # share of obligations met by a diligent / other caseworker


def _start_date(rng: random.Random, group: str, on: date) -> tuple[date, int]:
    """(start, duration in days) of a citizen's enrolment. Starts fall in the last 3 years with
    seasonal weights, or earlier for those long-running enrolments that would still run today."""
    duration = max(7, int(rng.lognormvariate(0, 0.8) * MEDIAN_DAYS[group]))
    if rng.random() < _old_share(group):
        start = on - timedelta(days=HISTORY_DAYS + rng.randint(1, 4 * 365))
        return start, max(duration, (on - start).days + rng.randint(30, 900))
    months = [(on.year * 12 + on.month - 1 - k) for k in range(36)]
    weights = [SEASON[m % 12 + 1] for m in months]
    y, m = divmod(rng.choices(months, weights=weights)[0], 12)
    first = date(y, m + 1, 1)
    start = first + timedelta(days=rng.randint(0, 27))
    return min(start, on), duration


def _old_share(group: str) -> float:
    """Stationary share of a group's citizens who started before the 3-year window (still running)."""
    import math

    m = MEDIAN_DAYS[group] * 1.4  # mean of the log-normal above
    old = m * math.exp(-HISTORY_DAYS / m)
    return old / (HISTORY_DAYS + old)


def _contacts_for(rng, book, group: str, start: date, end: date | None, on: date, diligent: bool):
    """Contacts that mostly follow the rules in force at the time: each obligation is met with a
    chance (more for diligent caseworkers), on a day inside its window, some after a no-show."""
    last = on if end is None or end > on else end
    facts = EnrolmentFacts(group, start, end if end is not None and end <= on else None)
    follow_up = group in FOLLOW_UP_GROUPS
    for ob in evaluate(book, facts, (), last):
        if ob.earliest > last or rng.random() > HOLD_SHARE[diligent]:
            continue
        hi = min(ob.latest, last)
        span = max(0, (hi - ob.earliest).days)
        day = ob.earliest + timedelta(days=int(span * rng.triangular(0.1, 1.0, 0.6)))
        kind = ob.kind if ob.kind != "kontakt" else ("opfoelgningssamtale" if follow_up else "jobsamtale")
        channels = _channels(book, ob.rule_set, ob.rule)
        remote = [c for c in ("telefon", "telefon", "video") if c in channels]
        channel = "fremmoede" if not remote or rng.random() < 0.45 else rng.choice(remote)
        if rng.random() < 0.08 and day - timedelta(days=5) >= ob.earliest:  # a no-show first
            yield _contact(day - timedelta(days=5), kind, channel, ob.performed_by, "absent")
        yield _contact(day, kind, channel, ob.performed_by, "held")
    if rng.random() < 0.15:  # now and then a contact beyond the rules
        day = start + timedelta(days=rng.randint(0, max(0, (last - start).days)))
        kind = "opfoelgningssamtale" if follow_up else "jobsamtale"
        yield _contact(day, kind, "telefon", "kommune", "held")


_CHANNELS: dict[tuple[int, str, str], tuple[str, ...]] = {}


def _channels(book, set_code: str, rule_code: str) -> tuple[str, ...]:
    key = (id(book), set_code, rule_code)
    if key not in _CHANNELS:
        _CHANNELS[key] = next(r.channels for r in book.rule_set(set_code).rules if r.code == rule_code)
    return _CHANNELS[key]


def _contact(day: date, kind: str, channel: str, performed_by: str, outcome: str) -> dict:
    return {
        "date": day,
        "kind": kind,
        "channel": channel,
        "performed_by": performed_by,
        "minutes": 45 if channel == "fremmoede" else (20 if channel == "digital" else 30),
        "outcome": outcome,
    }


@transaction.atomic
def seed_demo(*, citizens: int = 4000, seed: int = 2026, on: date, chunk: int = 5000) -> DemoSummary:
    """Build the demo municipality, unless citizens already exist (then change nothing)."""
    rng = random.Random(seed)
    ensure_shipped_rules()
    caseworkers = build_organisation(rng, citizens)
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
    book = current_rulebook()
    for offset in range(0, citizens, chunk):
        size = min(chunk, citizens - offset)
        _seed_chunk(
            rng, offset, size, on, groups, team_of_group, caseworkers, decider, totals, used_cprs, book
        )
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
    rng, offset, size, on, groups, team_of_group, caseworkers, decider, totals, used_cprs, book
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
        start, duration = _start_date(rng, group, on)
        end = start + timedelta(days=duration - 1)
        previous = None
        if rng.random() < 0.08 and (on - start).days < 600:
            prev_group = rng.choice([g for g in GROUP_WEIGHTS if g != group])
            previous = (prev_group, start - timedelta(days=rng.randint(60, 400)), start - timedelta(days=1))
        plans.append((group, start, end if end < on else None, previous, rng.random() < 0.85))
    Citizen.objects.bulk_create(people, batch_size=2000)

    enrolments, contacts = [], []
    for citizen, (group, start, end, previous, diligent) in zip(people, plans, strict=True):
        held_by = citizen.caseworker
        if previous is not None:
            prev_group, prev_start, prev_end = previous
            enrolments.append(
                Enrolment(citizen=citizen, target_group=groups[prev_group], start=prev_start, end=prev_end)
            )
            contacts.extend(
                Contact(citizen=citizen, held_by=held_by if c["performed_by"] == "kommune" else None, **c)
                for c in _contacts_for(rng, book, prev_group, prev_start, prev_end, on, True)
            )
        exempt = group in EXEMPTABLE_GROUPS and start >= REFORM_PHASE_1 and rng.random() < 0.12
        enrolments.append(
            Enrolment(
                citizen=citizen,
                target_group=groups[group],
                start=start,
                end=end,
                exempt=exempt,
                exempt_reason="Vurderet selvhjulpen: har konkrete jobudsigter." if exempt else "",
                exempt_decided_by=decider[citizen.team_id].user if exempt else None,
                work_obligation=not exempt and group in WORK_OBLIGATION_GROUPS and rng.random() < 0.15,
            )
        )
        contacts.extend(
            Contact(citizen=citizen, held_by=held_by if c["performed_by"] == "kommune" else None, **c)
            for c in _contacts_for(rng, book, group, start, end, on, diligent)
            if not (exempt and c["date"] > start + timedelta(days=14) and rng.random() < 0.7)
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


def first_forecast(on: date) -> str:
    """A 12-month forecast of every active rule set, computed here (no worker needed)."""
    from jobcenter import services

    codes = services.default_codes()
    snapshot, _created = services.forecast_request(rule_sets=codes, on=on, months=12)
    if snapshot.status != snapshot.Status.DONE:
        services.compute_snapshot(snapshot)
    return f"Første prognose beregnet for {on:%d.%m.%Y} ({', '.join(codes)})."


def planned_talks(on: date) -> str:
    """Planned talks for the coming weeks (planning; needs the refreshed obligations)."""
    from planning.demo import seed_bookings

    return f"Samtaler booket de kommende uger: {seed_bookings(on=on)}."


# Steps after the demo data is in: each takes the reference date and returns a line to print.
FOLLOW_UPS = [first_forecast, planned_talks]


def run_follow_ups(on: date) -> list[str]:
    return [step(on) for step in FOLLOW_UPS]
