"""Reads, scoped to what the user may see. Every list, page, form, export and API goes through here.

A caseworker sees the citizens of their own team, a team leader those of the teams they lead
(and their own), an admin everyone. Anonymised citizens are never listed.
"""

from dataclasses import dataclass

from django.db.models import Func, QuerySet, TextField
from django.http import Http404

from citizens.cpr import CprError, mask_cpr, parse_cpr
from citizens.models import AuditEvent, Citizen, Contact, Enrolment, Obligation
from jobcenter.models import Role, StaffMember
from jobcenter.perms import role_of, team_ids_visible_to, teams_visible_to


def citizen_list_for(user) -> QuerySet[Citizen]:
    citizens = Citizen.objects.filter(anonymised_at__isnull=True)
    if role_of(user) == Role.ADMIN:
        return citizens
    # The team ids as literals, not a subquery: "team_id IN (4)" lets PostgreSQL read a sorted
    # worklist page straight from a (team, sort column) index instead of sorting the whole team.
    return citizens.filter(team__in=team_ids_visible_to(user))


class SearchName(Func):
    """``first_name || ' ' || last_name``: the expression of the name search's trigram index
    (migration 0008, PostgreSQL), so ``UPPER(...) LIKE '%WORD%'`` is read from it."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self):
        super().__init__("first_name", "last_name")


@dataclass(frozen=True)
class Search:
    """What a search box text asks for: ``kind`` is "cpr" (ten digits), "birth" (the first six),
    "name" (words) or "invalid" (digits that are neither); ``value`` is the digits or the text."""

    kind: str
    value: str

    @property
    def for_log(self) -> str:
        """As the audit log may keep it: a full CPR number masked like everywhere else."""
        return mask_cpr(self.value) if self.kind == "cpr" else self.value


def search_parse(text: str) -> Search:
    """Name, full CPR number (with or without the dash, spaces ignored) or its first 6 digits."""
    text = " ".join((text or "").split())
    compact = text.replace("-", "").replace(" ", "")
    if compact.isascii() and compact.isdigit():
        if len(compact) == 10:
            return Search("cpr", compact)
        if len(compact) == 6:
            return Search("birth", compact)
        return Search("invalid", text)
    return Search("name", text)


def citizen_search(citizens: QuerySet[Citizen], search: Search) -> QuerySet[Citizen]:
    """Narrow an already scoped queryset (citizen_list_for) to a search."""
    if search.kind == "cpr":
        return citizens.filter(cpr=search.value)
    if search.kind == "birth":
        # A range on the unique index, plus the prefix itself (digits sort as digits).
        upper = str(int(search.value) + 1).zfill(6)
        return citizens.filter(cpr__gte=search.value, cpr__lt=upper, cpr__startswith=search.value)
    if search.kind == "invalid":
        return citizens.none()
    # A word has no spaces, so it is in "first last" exactly when it is in the first or the last name.
    citizens = citizens.alias(search_name=SearchName())
    for word in search.value.split()[:4]:
        citizens = citizens.filter(search_name__icontains=word)
    return citizens


def citizen_with_cpr_for(user, text: str) -> Citizen | None:
    """The citizen with this CPR number, if the user may see them (else None: never reveal it)."""
    try:
        digits, _born = parse_cpr(text)
    except CprError:
        return None
    return citizen_list_for(user).filter(cpr=digits).first()


def citizen_get_for(user, pk: int) -> Citizen:
    """The citizen, or 404 when the user may not see it (never reveal that it exists)."""
    try:
        return (
            citizen_list_for(user)
            .select_related("team", "caseworker__user", "current_target_group")
            .get(pk=pk)
        )
    except (Citizen.DoesNotExist, ValueError, TypeError):
        raise Http404("Borgeren findes ikke.") from None


def caseworkers_visible_to(user) -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(
            team__in=teams_visible_to(user), role__in=[Role.CASEWORKER, Role.TEAM_LEADER]
        )
        .select_related("user", "team")
        .order_by("team__name", "user__first_name", "user__last_name")
    )


def audit_events_for(user) -> QuerySet[AuditEvent]:
    if role_of(user) != Role.ADMIN:
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("user", "citizen")


def enrolment_list_for(user) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(citizen__in=citizen_list_for(user)).select_related("target_group")


def contact_list_for(user) -> QuerySet[Contact]:
    return Contact.objects.filter(citizen__in=citizen_list_for(user))


def obligation_list_for(user) -> QuerySet[Obligation]:
    return Obligation.objects.filter(enrolment__citizen__in=citizen_list_for(user)).select_related(
        "enrolment"
    )


def citizen_indsigt(citizen: Citizen) -> dict:
    """Everything held about one citizen (data-subject access, GDPR art. 15), as plain JSON."""

    def row(obj, fields):
        out = {}
        for name in fields:
            value = getattr(obj, name)
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out

    return {
        "citizen": {
            "id": citizen.pk,
            "cpr": f"{citizen.cpr[:6]}-{citizen.cpr[6:]}",
            "first_name": citizen.first_name,
            "last_name": citizen.last_name,
            "team": citizen.team.name,
            "caseworker": str(citizen.caseworker) if citizen.caseworker_id else None,
            "created_at": citizen.created_at.isoformat(),
            "updated_at": citizen.updated_at.isoformat(),
        },
        "enrolments": [
            {
                **row(e, ["id", "start", "end", "exempt", "exempt_reason", "work_obligation"]),
                "target_group": e.target_group.code,
            }
            for e in citizen.enrolments.select_related("target_group").order_by("start")
        ],
        "contacts": [
            row(c, ["id", "date", "kind", "channel", "performed_by", "minutes", "outcome", "note"])
            for c in citizen.contacts.order_by("date", "id")
        ],
        "obligations": [
            row(o, ["id", "rule_set", "rule", "kind", "number", "of", "earliest", "latest", "status",
                    "explanation"])
            for o in Obligation.objects.filter(enrolment__citizen=citizen).order_by("latest", "id")
        ],
        "access_log": [
            {"at": a.at.isoformat(), "user": a.user.get_username() if a.user else None, "action": a.action}
            for a in citizen.audit_events.select_related("user").order_by("at", "id")
        ],
    }
