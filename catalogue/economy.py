"""Reads of the economy configuration (cost assumptions in force on a date) and the demo loader.

Demo values follow shared/domain/reform-rules.md Part A.1 (Kalundborg: 23.1 m DKK = 17.1 m
specified + 6.0 m unspecified) and A.3 (unit costs). None of them is a confirmed figure: every
one is stored as provisional or illustrative and the reports say so.

Two demo assumptions make the capacity report's load believable (``jobcenter.capacity``): the
minutes *around* each talk (preparation, registration, travel: 30 in person, 20 by phone or
video, 10 digital; an assumption, no public source gives them), added to the talk's own minutes
(A.3's 45/30/20, here read as the talk itself), and the share of casework time that goes to talks
with their preparation (55 %, derived from the 26 % of working time in direct contact found by
Quartz+Co/BDO's 2014 analysis of jobcentre resource use; see ``jobcenter.capacity``).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from catalogue.models import (
    CostAssumption,
    Initiative,
    Investment,
    MunicipalRequirement,
    RuleSet,
    TargetGroup,
)

DEMO_SOURCE = "Demoværdi (domænedokument A.3) – foreløbig antagelse, erstat med kommunens egne tal"
DEMO_PREP_SOURCE = (
    "Antagelse (ingen offentlig kilde): forberedelse, registrering og transport omkring en samtale"
)
DEMO_TALK_SHARE_SOURCE = (
    "Afledt antagelse: 26 % af arbejdstiden i direkte kontakt (Quartz+Co/BDO, Analyse af jobcentrenes "
    "ressourceforbrug, 2014) ≈ 34 % af sagsbehandlingstiden + forberedelse og registrering ≈ 55 %"
)
DEMO_CATALOGUE_SOURCE = "Illustrativt katalog, der summerer til Kalundborgs 23,1 mio. kr. (17,1 + 6,0)"
DEMO_VALID_FROM = date(2024, 1, 1)
YEARS = (2026, 2027, 2028, 2029)
PHASE_IN = {2026: Decimal("0.40"), 2027: Decimal("0.75"), 2028: Decimal("0.90"), 2029: Decimal("1.00")}


def assumptions_on(on: date) -> dict:
    """The assumptions in force on ``on`` as plain JSON-able data (what a forecast records).

    {"minutes": {"kind|channel": m}, "prep_minutes": {channel: m}, "in_person_share": p,
     "talk_share": p or None, "productive_hours_per_fte": h, "fte_cost": kr,
     "benefit_cost": {group: kr}, "provisional": bool, "sources": [...], "items": [...]}
    """
    rows = CostAssumption.objects.filter(valid_from__lte=on).select_related("target_group")
    chosen: dict[tuple, CostAssumption] = {}
    for row in rows.order_by("valid_from", "id"):
        chosen[(row.key, row.kind, row.channel, row.target_group_id)] = row  # newest wins
    out: dict = {
        "minutes": {},
        "prep_minutes": {},
        "in_person_share": None,
        "talk_share": None,
        "productive_hours_per_fte": None,
        "fte_cost": None,
        "benefit_cost": {},
        "provisional": False,
        "sources": [],
        "items": [],
    }
    K = CostAssumption.Key
    for row in chosen.values():
        value = float(row.value)
        if row.key == K.MINUTES_PER_CONTACT:
            out["minutes"][f"{row.kind}|{row.channel}"] = value
        elif row.key == K.PREP_MINUTES:
            out["prep_minutes"][row.channel] = value
        elif row.key == K.IN_PERSON_SHARE:
            out["in_person_share"] = value / 100
        elif row.key == K.TALK_SHARE:
            out["talk_share"] = value / 100
        elif row.key == K.PRODUCTIVE_HOURS:
            out["productive_hours_per_fte"] = value
        elif row.key == K.FTE_COST:
            out["fte_cost"] = value
        elif row.key == K.BENEFIT_COST and row.target_group_id:
            out["benefit_cost"][row.target_group.code] = value
        out["provisional"] = out["provisional"] or row.provisional
        if row.source not in out["sources"]:
            out["sources"].append(row.source)
        out["items"].append(
            {"key": row.key, "label": _label(row), "source": row.source, "provisional": row.provisional}
        )
    out["items"].sort(key=lambda i: i["label"])
    return out


def _number(value) -> str:
    """Danish thousands separator and decimal comma: 600.000 / 0,5."""
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _label(row: CostAssumption) -> str:
    parts = [row.get_key_display()]
    if row.kind:
        parts.append(row.get_kind_display())
    if row.channel:
        parts.append(row.get_channel_display())
    if row.target_group_id:
        parts.append(str(row.target_group))
    return gettext("%(what)s: %(value)s (gælder fra %(date)s)") % {
        "what": " · ".join(str(p) for p in parts),
        "value": _number(row.value),
        "date": f"{row.valid_from:%d.%m.%Y}",
    }


BENEFIT_COSTS = {
    "dagpenge": 230_000,
    "kh-jobparat": 150_000,
    "kh-aktivitetsparat": 160_000,
    "uh-uddannelsesparat": 100_000,
    "uh-aktivitetsparat": 110_000,
    "sygedagpenge": 220_000,
    "jobafklaring": 190_000,
    "ressourceforloeb": 170_000,
    "ledighedsydelse": 200_000,
    "revalidering": 200_000,
    "foertidspension": 230_000,
}

# (title, category, type, 2029 target in m DKK, realisation, from set, to set, estimate m DKK, group, risk)
DEMO_INITIATIVES = (
    (
        "Færre obligatoriske jobsamtaler (reformens 1. fase)",
        "specified",
        "rule_simplification",
        "4.5",
        "rule_set_change",
        "lab-2024",
        "reform-2026",
        None,
        "kh-jobparat",
        "medium",
    ),
    (
        "Ny målgruppestruktur og én årlig kontakt i jobhjælp",
        "specified",
        "rule_simplification",
        "5.0",
        "rule_set_change",
        "reform-2026",
        "lab-2027",
        None,
        "kh-aktivitetsparat",
        "high",
    ),
    (
        "Telefon- og videosamtaler som standard efter første samtale",
        "specified",
        "efficiency",
        "2.4",
        "manual",
        None,
        None,
        "2.1",
        "kh-jobparat",
        "low",
    ),
    (
        # Computed from the forecast: the local level's cost on top of the statutory rules.
        "Lokalt serviceniveau efter de første 6 måneder",
        "specified",
        "service_level",
        "2.0",
        "manual",
        "lokal-jobparat-3-mdr",
        None,
        "1.8",
        "kh-jobparat",
        "medium",
    ),
    (
        "Udfasning af ressourceforløb og revalidering",
        "specified",
        "task_stop",
        "2.2",
        "manual",
        None,
        None,
        "2.2",
        "ressourceforloeb",
        "high",
    ),
    (
        "Nedlæggelse af rehabiliteringsteamet",
        "specified",
        "task_stop",
        "1.0",
        "manual",
        None,
        None,
        "1.0",
        "ressourceforloeb",
        "low",
    ),
    (
        "Rammebesparelse på ledelse og administration",
        "unspecified",
        "efficiency",
        "3.5",
        "manual",
        None,
        None,
        "2.0",
        None,
        "medium",
    ),
    (
        "Uspecificeret reduktion – endnu ikke udmøntet",
        "unspecified",
        "efficiency",
        "2.5",
        "manual",
        None,
        None,
        "0",
        None,
        "high",
    ),
)


@transaction.atomic
def load_demo_economy() -> bool:
    """Install demo cost assumptions for keys that have none yet, and the catalogues once (when
    there are no initiatives); returns False when nothing was added."""
    K = CostAssumption.Key
    demo = [
        (K.MINUTES_PER_CONTACT, "fremmoede", 45, DEMO_SOURCE),
        (K.MINUTES_PER_CONTACT, "telefon", 30, DEMO_SOURCE),
        (K.MINUTES_PER_CONTACT, "video", 30, DEMO_SOURCE),
        (K.MINUTES_PER_CONTACT, "digital", 20, DEMO_SOURCE),
        (K.PREP_MINUTES, "fremmoede", 30, DEMO_PREP_SOURCE),
        (K.PREP_MINUTES, "telefon", 20, DEMO_PREP_SOURCE),
        (K.PREP_MINUTES, "video", 20, DEMO_PREP_SOURCE),
        (K.PREP_MINUTES, "digital", 10, DEMO_PREP_SOURCE),
        (K.IN_PERSON_SHARE, "", 50, DEMO_SOURCE),
        (K.TALK_SHARE, "", 55, DEMO_TALK_SHARE_SOURCE),
        (K.PRODUCTIVE_HOURS, "", 1400, DEMO_SOURCE),
        (K.FTE_COST, "", 600_000, DEMO_SOURCE),
    ]
    have = set(CostAssumption.objects.values_list("key", flat=True).distinct())
    rows = [
        CostAssumption(key=key, channel=channel, value=value, source=source)
        for key, channel, value, source in demo
        if key not in have
    ]
    groups = {g.code: g for g in TargetGroup.objects.all()}
    if K.BENEFIT_COST not in have:
        for code, cost in BENEFIT_COSTS.items():
            if code in groups:
                rows.append(CostAssumption(key=K.BENEFIT_COST, target_group=groups[code], value=cost,
                                           source=DEMO_SOURCE))
    for row in rows:
        row.valid_from = DEMO_VALID_FROM
        row.provisional = True
    CostAssumption.objects.bulk_create(rows)
    if Initiative.objects.exists():
        return bool(rows)

    million = Decimal(1_000_000)
    for year in YEARS:
        MunicipalRequirement.objects.create(
            year=year,
            specified=Decimal("17.1") * million * PHASE_IN[year],
            unspecified=Decimal("6.0") * million * PHASE_IN[year],
            source="Kalundborg Kommune, orientering august 2025 (fuldt indfaset); indfasning illustrativ",
            illustrative=True,
        )
    sets = {rs.code: rs for rs in RuleSet.objects.all()}
    for title, category, kind, target, how, a, b, estimate, group, risk in DEMO_INITIATIVES:
        full = Decimal(target) * million
        Initiative.objects.create(
            title=title,
            description=DEMO_CATALOGUE_SOURCE,
            category=category,
            type=kind,
            owner="Beskæftigelseschef (demo)",
            status=Initiative.Status.PLANNED,
            risk_rating=risk,
            risk_text="Illustrativ risikovurdering.",
            realisation=how,
            from_rule_set=sets.get(a) if a else None,
            to_rule_set=sets.get(b) if b else None,
            manual_estimate=Decimal(estimate) * million if estimate is not None else None,
            affected_group=groups.get(group) if group else None,
            illustrative=True,
            **{f"target_{y}": full * PHASE_IN[y] for y in YEARS},
        )
    Investment.objects.create(
        title="Fastholdelse af ungeindsatsen",
        description="Illustrativt: bevarer den intensive ungeindsats uden for servicerammen.",
        yearly_cost=1_500_000,
        start_year=2026,
        target_group=groups["uh-uddannelsesparat"],
        fewer_recipients=Decimal("20"),
        effect_from=date(2026, 7, 1),
        illustrative=True,
    )
    Investment.objects.create(
        title="Tidlig indsats for dagpengemodtagere",
        description="Illustrativt: ekstra samtaler i de første måneder for at afkorte ledigheden.",
        yearly_cost=1_200_000,
        start_year=2027,
        target_group=groups["dagpenge"],
        fewer_recipients=Decimal("8"),
        effect_from=date(2027, 1, 1),
        illustrative=True,
    )
    return True
