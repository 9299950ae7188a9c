"""The obligation engine: rules + an enrolment + its contacts + a date -> obligations.

Pure module (no Django). Input and output are frozen dataclasses; every date rule is computed
against an explicit ``on`` date. Rules come from ``catalogue.rulebook`` (sources in
``shared/domain/reform-rules.md``).

Policies (implemented exactly as stated here):

1. **Rule-set change during an enrolment.** With ``rule_set=None`` an obligation is governed by
   the active statutory set in force on its *latest* date, subject to that set's transition
   policy T: each set's obligations are generated (windows always measured from the enrolment
   start) and only those the governing set owns are kept. With ``rule_set`` given, that set
   applies to every date (what-if mode, used by forecasts).
2. **Group mapping.** A pre-2027 group under a set written for the 2027 groups (``lab-2027``)
   uses its mapped 2027 group's rules; a 2027 group under a pre-2027 set has no rules. A set
   that has rules for the group's own code uses those (a local set may address both).
3. **Transfer** between target groups is two enrolments, each evaluated on its own, counting
   only contacts dated within [start, end]; the new group's clock starts at its own start.
4. **Windows** (cadence ``window``). A window "from F to T months" runs from ``start + F
   months`` to the day before ``start + T months`` (so "the first 6 months" of a 1 July start
   ends 31 December). Number k of a count rule has earliest = window start and latest = window
   end, except number 1 of a rule with ``first_deadline_days``, whose latest is ``start + days``.
5. **Fixed periods** (cadence ``fixed``). ``count`` obligations per period of N months starting
   at the window start; periods are generated while the period start is <= max(on, start), on
   or before the enrolment end and before the window end (a last period is cut at the window
   end). A contact belongs to the period it falls in.
R. **Rolling** (cadence ``rolling``; the shipped "1 contact a year" rules): at most N months
   between two contacts that count. Obligation 1 runs from the window start (``start + F
   months``) to N months later; each next one runs from the contact that met the previous one
   to N months after it ("senest 12 måneder efter seneste kontakt (15.04.2027)"). It is met by
   the first eligible contact after its earliest date (on it, for the first); a contact after
   the deadline meets it late and restarts the clock from its own date. The chain ends with the
   one obligation still unmet; an obligation due after the window end is not owed. Rolling
   rules do not use contacts up (a talk that meets a window rule also resets the clock), and
   their transitions follow the deadline (T1) so a gap is never left uncovered. With
   ``project=True`` (forecasts, no future contacts) each pending one is assumed held on its
   deadline and the chain goes on up to ``on``.
6. **Enrolment end.** Obligations whose earliest date is after the end are not owed; unmet
   obligations whose latest date is after the end are dropped too (the citizen left in time).
7. **Matching.** A contact counts only if outcome is "held", its kind equals the rule's kind
   (a "kontakt" rule accepts any kind), its channel is one of the rule's channels, the
   performer is the same, and its date is within [earliest, latest], within the enrolment and
   not after ``on``. Each contact meets at most one window or period obligation: obligations are
   served in the order (latest, earliest, rule order, number), each taking the earliest eligible
   unused contact; statutory obligations are served before local ones. This greedy assignment
   is monotone: adding a contact never un-meets an obligation.
   **Late contacts:** the first talk is the first eligible talk held, even after its deadline;
   then a still-unmet one-off obligation takes an unused contact held after its deadline. Both
   are ``met`` with ``late=True``: off the worklist, but not counted as met in cohort quotas.
   Fixed periods are not caught up: a contact belongs to the period it falls in.
8. **Status** (first that applies): ``met`` if matched; ``not_municipal`` if performed by the
   a-kasse (owed, but not municipal work); ``waived`` if the enrolment is exempt, the rule is
   exemptable, the citizen is not under the work obligation (LAB kap. 16 a) and it is not
   number 1 of a first-deadline rule (the first talk is for 100 %); ``overdue`` if on > latest;
   ``due_soon`` if latest - on <= ``due_soon_days``; else ``open``.
9. **Dates** use calendar months clamped to the month end (31 Jan + 1 month = 28/29 Feb).
10. **Sick benefit** (lov nr. 1750; commencement 1 Feb or 1 Jul 2026 NOT CONFIRMED, so the rules
   are provisional). A rule's ``applies_when`` selects enrolments by the flag
   ``short_absence`` ("forventet fravær under 26 uger": employer and employee both expect the
   absence to last under 26 weeks): from reform-2026 such a citizen has no municipal follow-up
   talks as a rule, others at least one in the first half-year; under lab-2024 the 2024
   agreement's uncomplicated cases (the same flag) have the first talk only, others 4.

**Local service levels (L).** Active rule sets of kind ``local`` (lokalt serviceniveau) are
layers on top of the statutory sets: a local obligation is kept when its local set is in force
on its deadline *and* a statutory set is in force then. Local obligations carry ``local=True``
("lokalt serviceniveau"; statutory: "lovkrav") and are matched after every statutory one, so
they never take a contact a statutory obligation needs and never hide one: the statutory
obligations are exactly those evaluated with ``local_sets=()``. A local set switched off for a
team (``RuleSetSpec.teams_off``) does not apply to ``EnrolmentFacts.team``. ``local_sets=None``
layers every active local set (live mode) but none in what-if mode; naming codes layers exactly
those, in either mode.

**Transitions (T), a provisional policy the admin edits per statutory set** (``transition``
and ``transition_note``, shown in the explanation of every obligation it decides). For an
obligation whose window began before the governing set S took effect (earliest < S.valid_from):

- T1 ``deadline``: S governs (shipped for reform-2026: a kh-jobparat course started in May 2026
  owes its lab-2024 first talk for 100 %; its 6-month talks are due after 1 July, so they are
  reform-2026's 3 talks for the 75 % quota, open to the 25 % exemption; dagpenge in the a-kasse
  phase on 1 July: the rest of the phase and months 3-6 follow reform-2026).
- T2 ``window_start``: the set in force the day before S took effect finishes the window
  (shipped for lab-2027: a jobafklaring course started 1 Oct 2026 keeps its 4 talks due
  31.03.2027; a citizen in ressourceforløb or jobafklaring on 31 Dec 2026 continues under the
  mapped 2027 group with the original clock: no new first talk, the yearly contact due 12
  months after the last one; dagpenge in the a-kasse phase on 1 Jan 2027 finish it under
  reform-2026, months 3-6 and the 16-month talk follow lab-2027). Rolling rules use T1.
- T3 ``restart``: like T1, and a citizen whose group is mapped to a new group under S starts
  over on S's first day (a new first talk).

Closed schemes (``TargetGroupSpec.closed_from``: ressourceforløb and revalidering from lov 1750,
every pre-2027 group from 1 Jan 2027) refuse *new* enrolments in ``citizens.services``; the
engine evaluates running ones as usual.

**API for the forecast.** :func:`evaluate` (``rule_set``, ``local_sets``, ``project``) and
:func:`rule_layers` / :func:`layered_rules` (the statutory set plus the local layers that apply
on a date, as (rule, set) pairs with ``set.local``) are pure and take explicit dates.

The 25 % exemption limit is a separate pure function at the bottom of this module; cohort
compliance with the 75 % quotas of lov nr. 1750 is computed in ``citizens.compliance``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from catalogue.i18n import SOURCE_LANGUAGE, active_language, gettext
from catalogue.rulebook import (
    CHANNEL_LABELS,
    CHANNELS,
    KIND_LABELS,
    RuleBook,
    RuleSetSpec,
    RuleSpec,
    gettext_noop,
)

ONE_DAY = timedelta(days=1)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
ACTIVE_STATUSES = ("overdue", "due_soon", "open")
EXEMPTION_LIMIT = 0.25


EARLIEST_START = date(2000, 1, 1)


def start_window(today: date) -> tuple[date, date]:
    """The course starts the product accepts: from 2000 to a year ahead. Far-off dates are typing
    errors, and the engine's date arithmetic must stay inside the calendar."""
    return EARLIEST_START, today + timedelta(days=366)


def add_months(d: date, months: int) -> date:
    """``d`` plus whole calendar months, clamped to the month end (31 Jan + 1 = 28/29 Feb)."""
    y, m0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    day = d.day
    if day > 28:
        last = _DAYS_IN_MONTH[m0]
        if m0 == 1 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0):
            last = 29
        if day > last:
            day = last
    return date(y, m0 + 1, day)


def fmt_date(d: date) -> str:
    """Danish date format dd.mm.åååå."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


# --- Inputs and output ----------------------------------------------------------------------

STATUTORY_LABEL = "lovkrav"
LOCAL_LABEL = "lokalt serviceniveau"
SHORT_ABSENCE_NOTE = (
    "Forventet fravær under 26 uger (arbejdsgiver og medarbejder er enige): som udgangspunkt "
    "ingen kommunale opfølgningssamtaler, jf. lov nr. 1750 af 29. december 2025 (ikrafttræden "
    "1. februar eller 1. juli 2026 ikke bekræftet). Før reformen: ukomplicerede forløb med et "
    "job at vende tilbage til har én samtale (aftale fra 2024)."
)


@dataclass(frozen=True, slots=True)
class EnrolmentFacts:
    target_group: str
    start: date
    end: date | None = None
    exempt: bool = False
    work_obligation: bool = False
    # Sick-listed employee; employer and employee expect the absence to last under 26 weeks.
    short_absence: bool = False
    # The citizen's team (any hashable id): local service levels can be switched off per team.
    team: Any = None


@dataclass(frozen=True, slots=True)
class ContactFacts:
    date: date
    kind: str
    channel: str
    performed_by: str = "kommune"
    outcome: str = "held"
    id: Any = None


@dataclass(frozen=True, slots=True)
class Obligation:
    rule: str
    rule_set: str
    kind: str
    number: int
    of: int
    earliest: date
    latest: date
    status: str
    met_by: ContactFacts | None
    performed_by: str
    quota_pct: int
    legal_reference: str
    provisional: bool
    explanation: str
    late: bool = False  # met, but by a contact after the deadline (counts for the worklist, not the quota)
    local: bool = False  # from a local rule set (lokalt serviceniveau), not a statutory one (lovkrav)
    transition: str = ""  # the transition policy that decided this obligation, when one did

    @property
    def source_label(self) -> str:
        return LOCAL_LABEL if self.local else STATUTORY_LABEL


# --- Per-book precomputation ----------------------------------------------------------------


class _Gov:
    """Policy 1 and the transition policy T: which statutory set governs an obligation."""

    __slots__ = ("sets",)

    def __init__(self, sets: tuple[RuleSetSpec, ...]):
        self.sets = sets

    def set_on(self, d: date) -> RuleSetSpec | None:
        found = None
        for rs in self.sets:
            if rs.contains(d):
                found = rs
        return found

    def governing(self, earliest: date, latest: date, rolling: bool) -> tuple[str | None, str]:
        """(code of the governing set, transition note or "")."""
        s = self.set_on(latest)
        if s is None:
            return None, ""
        if earliest < s.valid_from:  # the obligation's window straddles the start of s
            note = s.transition_note
            if not rolling and s.transition == "window_start":
                prev = self.set_on(s.valid_from - ONE_DAY)
                if prev is not None:
                    return prev.code, note
            return s.code, note
        return s.code, ""


class _Plan:
    """A rule prepared for evaluation: lookups and text fragments computed once per book."""

    __slots__ = (
        "rule", "set_code", "order", "valid_from", "valid_to", "any_kind", "channels",
        "first_deadline", "noun", "verb", "label", "tail", "window_text", "first_text",
        "waivable_rest", "mode", "every", "local", "teams_off", "applies", "gov",
        "restart_from", "restart_note", "rule_set", "_texts",
    )

    def __init__(self, rule: RuleSpec, rs: RuleSetSpec, order: int, *, scoped: bool,
                 gov: _Gov | None = None, restart_from: date | None = None):
        self.rule = rule
        self.set_code = rs.code
        self.order = order
        # Statutory plans are governed by ``gov``; local ones by their own validity.
        self.valid_from = rs.valid_from if scoped else None
        self.valid_to = rs.valid_to if scoped else None
        self.gov = gov
        self.local = rs.kind == "local"
        self.teams_off = rs.teams_off if self.local else frozenset()
        self.restart_from = restart_from
        self.restart_note = rs.transition_note if restart_from else ""
        self.any_kind = rule.kind == "kontakt"
        self.channels = frozenset(rule.channels)
        self.first_deadline = (
            None if rule.first_deadline_days is None else timedelta(days=rule.first_deadline_days)
        )
        self.mode = rule.mode
        self.every = rule.recurring_every_months
        self.applies = rule.applies_when
        self.noun = "kontakt" if rule.kind == "kontakt" else "samtale"
        self.verb = "ske" if rule.kind == "kontakt" else "holdes"
        self.label = KIND_LABELS.get(rule.kind, rule.kind)
        self.waivable_rest = rule.exemptable
        self.window_text, self.first_text = _window_texts(rule)
        self.tail = _tail_text(rule, rs)
        self.rule_set = rs
        self._texts: dict[str, tuple[str, str, str, str]] = {}

    def texts(self, language: str) -> tuple[str, str, str, str]:
        """(kind label, window, first deadline, tail) in ``language``, computed once per language."""
        found = self._texts.get(language)
        if found is None:
            label = gettext(KIND_LABELS.get(self.rule.kind, self.rule.kind), language)
            window, first = _window_texts(self.rule, language)
            tail = _tail_text(self.rule, self.rule_set, language)
            found = self._texts[language] = (label, window, first, tail)
        return found

    def keeps(self, earliest: date, latest: date) -> tuple[bool, str]:
        """Whether this plan's set governs an obligation with these dates, and the transition note."""
        if self.valid_from is None:
            return True, ""
        if self.local:  # the local set in force on the deadline, layered on a statutory set in force
            in_force = self.valid_from <= latest and (self.valid_to is None or latest <= self.valid_to)
            return in_force and (self.gov is None or self.gov.set_on(latest) is not None), ""
        if self.gov is None:
            return True, ""
        # Fast paths (statutory sets never overlap): wholly inside this set's validity, or a
        # window that began after it ended / ends before it began.
        valid_to = self.valid_to
        if latest < self.valid_from or (valid_to is not None and earliest > valid_to):
            return False, ""
        if earliest >= self.valid_from and (valid_to is None or latest <= valid_to):
            return True, ""
        code, note = self.gov.governing(earliest, latest, self.mode == "rolling")
        return code == self.set_code, note


def _window_texts(rule: RuleSpec, language: str = "da") -> tuple[str, str]:
    f, t = rule.window_from_months, rule.window_to_months
    if rule.mode == "fixed":
        window = gettext("mindst %(count)s pr. %(months)s måneder", language) % {
            "count": rule.count, "months": rule.recurring_every_months}
    elif f == 0:
        window = gettext("inden for de første %(months)s måneder efter start", language) % {"months": t}
    else:
        window = gettext("mellem %(from)s og %(to)s måneder efter start", language) % {"from": f, "to": t}
    first = ""
    if rule.first_deadline_days is not None:
        first = gettext("senest %(days)s dage efter start", language) % {"days": rule.first_deadline_days}
    return window, first


def _tail_text(rule: RuleSpec, rs: RuleSetSpec, language: str = "da") -> str:
    """Fixed sentences after the deadline: channels, performer, quota, scope, provisional."""
    parts = []
    if set(rule.channels) != set(CHANNELS):
        names = [gettext(CHANNEL_LABELS[c], language).lower() for c in CHANNELS if c in rule.channels]
        separator = " " + gettext("eller", language) + " "
        parts.append(gettext("Tæller kun ved %(channels)s.", language) % {"channels": separator.join(names)})
    if rule.performed_by == "a-kasse":
        parts.append(gettext("Holdes af a-kassen.", language))
    if rule.quota_pct < 100:
        parts.append(gettext("Kvote: mindst %(pct)s %% af målgruppen.", language) % {"pct": rule.quota_pct})
    if rule.applies_when == "not_short_absence":
        parts.append(gettext("Gælder ikke ved forventet fravær under 26 uger.", language))
    elif rule.applies_when == "short_absence":
        parts.append(gettext("Gælder ved forventet fravær under 26 uger.", language))
    if rs.kind == "local":
        parts.append(gettext("Lokalt serviceniveau (%(name)s), ikke lovkrav.", language) % {"name": rs.name})
        if rs.illustrative:
            parts.append(gettext("Illustrativt eksempel.", language))
    if rule.provisional:
        parts.append(gettext("Foreløbig regel (ikke bekræftet).", language))
    return (" " + " ".join(parts)) if parts else ""


_CACHE: dict[int, tuple[RuleBook, dict[tuple, tuple[_Plan, ...]]]] = {}


def _local_codes(book: RuleBook, rule_set: str | None,
                 local_sets: Iterable[str] | None) -> tuple[str, ...]:
    if local_sets is None:
        return () if rule_set is not None else tuple(rs.code for rs in book.local_sets())
    codes = tuple(local_sets)
    for code in codes:
        book.rule_set(code)  # KeyError naming an unknown set
    return codes


def _plans(book: RuleBook, group: str, rule_set: str | None,
           local_codes: tuple[str, ...]) -> tuple[_Plan, ...]:
    """Plans for (rule_set or all statutory sets, local layers, group), cached by book identity."""
    entry = _CACHE.get(id(book))
    if entry is None or entry[0] is not book:
        if len(_CACHE) > 16:  # books are long-lived; bound the cache anyway
            _CACHE.clear()
        entry = (book, {})
        _CACHE[id(book)] = entry
    cache = entry[1]
    key = (rule_set, group, local_codes)
    plans = cache.get(key)
    if plans is None:
        plans = _build_plans(book, group, rule_set, local_codes)
        cache[key] = plans
    return plans


def _build_plans(book: RuleBook, group: str, rule_set: str | None,
                 local_codes: tuple[str, ...]) -> tuple[_Plan, ...]:
    plans: list[_Plan] = []
    what_if = rule_set is not None
    if rule_set is not None:
        rs = book.rule_set(rule_set)
        plans.extend(_Plan(rule, rs, i, scoped=False) for i, rule in enumerate(book.rules_for(rs, group)))
    else:
        gov = _Gov(book.statutory_sets())
        for s_idx, rs in enumerate(gov.sets):
            rules = book.rules_for(rs, group)
            # Policy T3: under "restart", a citizen moved to a new group starts over on the set's first day.
            mapped = any(r.target_group != group for r in rules)
            restart = rs.valid_from if rs.transition == "restart" and mapped else None
            for i, rule in enumerate(rules):
                plans.append(_Plan(rule, rs, s_idx * 1000 + i, scoped=True, gov=gov, restart_from=restart))
    local_gov = None if what_if else _Gov(book.statutory_sets())
    for l_idx, code in enumerate(local_codes):
        rs = book.rule_set(code)
        for i, rule in enumerate(book.rules_for(rs, group)):
            plans.append(_Plan(rule, rs, 1_000_000 + l_idx * 1000 + i, scoped=not what_if, gov=local_gov))
    return tuple(plans)


def rule_layers(book: RuleBook, on: date, *, rule_set: str | None = None,
                local_sets: Iterable[str] | None = None, team: Any = None) -> tuple[RuleSetSpec, ...]:
    """The rule sets that apply on ``on``: the statutory set (``rule_set``, or the one in force)
    followed by the local layers (the named ``local_sets``, or every active local set in force on
    ``on``), minus local sets switched off for ``team``. For the forecast's pricing."""
    out: list[RuleSetSpec] = []
    statutory = book.rule_set(rule_set) if rule_set is not None else book.in_force(on)
    if statutory is not None:
        out.append(statutory)
    if local_sets is None:
        locals_ = [rs for rs in book.local_sets() if rs.contains(on)]
    else:
        locals_ = [book.rule_set(code) for code in local_sets]
    out.extend(rs for rs in locals_ if team is None or team not in rs.teams_off)
    return tuple(out)


def layered_rules(book: RuleBook, group: str, on: date, *, rule_set: str | None = None,
                  local_sets: Iterable[str] | None = None,
                  team: Any = None) -> tuple[tuple[RuleSpec, RuleSetSpec], ...]:
    """(rule, its set) for an enrolment in ``group`` under :func:`rule_layers`; ``set.local`` tells
    a local service level (lokalt serviceniveau) from a statutory rule (lovkrav)."""
    return tuple(
        (rule, rs)
        for rs in rule_layers(book, on, rule_set=rule_set, local_sets=local_sets, team=team)
        for rule in book.rules_for(rs, group)
    )


# --- Evaluation -----------------------------------------------------------------------------


def evaluate(
    book: RuleBook,
    enrolment: EnrolmentFacts,
    contacts: Iterable[ContactFacts],
    on: date,
    rule_set: str | None = None,
    due_soon_days: int = 14,
    local_sets: Iterable[str] | None = None,
    project: bool = False,
    explain: bool = True,
) -> list[Obligation]:
    """Obligations of one enrolment on ``on``, sorted by (latest, rule, number).

    ``local_sets``: None = every active local set (only when ``rule_set`` is None), an iterable
    of codes = exactly these layers (also in what-if mode), ``()`` = statutory rules only.
    ``project``: rolling rules assume each pending contact is held on its deadline and go on up
    to ``on`` (forecasts, which have no future contacts). See the module docstring.
    ``explain=False`` leaves the explanation texts empty (forecasts count, they do not show them).
    """
    plans = _plans(book, enrolment.target_group, rule_set, _local_codes(book, rule_set, local_sets))
    if not plans:
        return []
    start, end = enrolment.start, enrolment.end
    statutory, local, rolling = _candidates(plans, enrolment, on)
    if not (statutory or local or rolling):
        return []
    usable = _usable_contacts(contacts, start, end, on)
    if usable and (statutory or local):
        used = [False] * len(usable)
        _match(statutory, usable, used)  # statutory first: a local rule never takes their contacts
        _match(local, usable, used)
    cands = statutory + local
    for p in rolling:
        cands.extend(_rolling(p, enrolment, on, usable, project))
    return _build(cands, enrolment, on, due_soon_days, explain)


def _applies(p: _Plan, enrolment: EnrolmentFacts) -> bool:
    if p.applies != "always" and (p.applies == "short_absence") != enrolment.short_absence:
        return False
    return not (p.local and enrolment.team is not None and enrolment.team in p.teams_off)


def _candidates(plans: tuple[_Plan, ...], enrolment: EnrolmentFacts,
                on: date) -> tuple[list[list], list[list], list[_Plan]]:
    """Owed window and fixed-period obligations (statutory, local) as mutable rows [latest,
    earliest, order, number, of, plan, period, met_by, first_talk, late, anchor, note], each
    list in matching order; and the rolling plans (built later from the contacts)."""
    statutory: list[list] = []
    local: list[list] = []
    rolling: list[_Plan] = []
    end = enrolment.end
    for p in plans:
        if not _applies(p, enrolment):
            continue
        if p.mode == "rolling":
            rolling.append(p)
            continue
        out = local if p.local else statutory
        r = p.rule
        start = enrolment.start
        note0 = ""
        if p.restart_from is not None and start < p.restart_from:
            start, note0 = p.restart_from, p.restart_note
        first = p.first_deadline is not None
        if p.mode == "window":
            earliest = add_months(start, r.window_from_months) if r.window_from_months else start
            if end is not None and earliest > end:
                continue
            w_end = add_months(start, r.window_to_months or 0) - ONE_DAY  # validated: set for one-offs
            for k in range(1, r.count + 1):
                latest = start + p.first_deadline if k == 1 and p.first_deadline is not None else w_end
                keep, note = p.keeps(earliest, latest)
                if keep:
                    out.append([latest, earliest, p.order, k, r.count, p, None, None, k == 1 and first,
                                False, None, note or note0])
            continue
        horizon = on if on > start else start
        every = p.every or 1  # validated: fixed periods have a length
        offset = r.window_from_months
        w_stop = r.window_to_months
        while w_stop is None or offset < w_stop:
            p_start = add_months(start, offset)
            if p_start > horizon or (end is not None and p_start > end):
                break
            nxt = offset + every
            if w_stop is not None and nxt > w_stop:
                nxt = w_stop
            p_end = add_months(start, nxt) - ONE_DAY
            period = (p_start, p_end)
            for k in range(1, r.count + 1):
                first_talk = k == 1 and first and offset == r.window_from_months
                latest = start + p.first_deadline if first_talk and p.first_deadline is not None else p_end
                keep, note = p.keeps(p_start, latest)
                if keep:
                    out.append([latest, p_start, p.order, k, r.count, p, period, None, first_talk,
                                False, None, note or note0])
            offset += every
    statutory.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    local.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    return statutory, local, rolling


def _rolling(p: _Plan, enrolment: EnrolmentFacts, on: date, usable: list[ContactFacts],
             project: bool) -> list[list]:
    """Policy R: a chain of obligations, each due N months after the previous contact that counts
    (the window start for the first). A contact after the deadline meets it late and restarts the
    clock from its own date. Contacts are not used up: the same contact may meet other rules."""
    r = p.rule
    start = enrolment.start
    note0 = ""
    if p.restart_from is not None and start < p.restart_from:
        start, note0 = p.restart_from, p.restart_note
    end = enrolment.end
    anchor = add_months(start, r.window_from_months) if r.window_from_months else start
    anchor_kind = "window" if r.window_from_months else "start"
    w_end = None if r.window_to_months is None else add_months(start, r.window_to_months) - ONE_DAY
    eligible = [c for c in usable if _eligible(p, c)]
    every = p.every or 1  # validated: a rolling rule has its longest gap
    i, n = 0, len(eligible)
    rows: list[list] = []
    while end is None or anchor <= end:
        latest = add_months(anchor, every)
        if w_end is not None and latest > w_end:
            break
        # The first contact after the anchor (on it, for the first one) meets this obligation.
        while i < n and (eligible[i].date < anchor or (anchor_kind in ("contact", "projected")
                                                       and eligible[i].date <= anchor)):
            i += 1
        met = eligible[i] if i < n else None
        keep, note = p.keeps(anchor, latest)
        if keep:
            rows.append([latest, anchor, p.order, 1, 1, p, None, met, False,
                         met is not None and met.date > latest, anchor_kind, note or note0])
        if met is not None:
            anchor, anchor_kind = met.date, "contact"
        elif project and latest < on:
            anchor, anchor_kind = latest, "projected"
        else:
            break
    return rows


def _contact_key(c: ContactFacts) -> tuple:
    # Total order so the result does not depend on the order contacts were given in.
    return (c.date, c.kind, c.channel, c.performed_by, str(c.id))


def _usable_contacts(contacts: Iterable[ContactFacts], start: date, end: date | None,
                     on: date) -> list[ContactFacts]:
    last = on if end is None or on < end else end
    usable = [c for c in contacts if c.outcome == "held" and start <= c.date <= last]
    if len(usable) > 1:
        usable.sort(key=_contact_key)
    return usable


def _eligible(p, c: ContactFacts) -> bool:
    rule = p.rule
    return (
        (p.any_kind or c.kind == rule.kind)
        and c.channel in p.channels
        and c.performed_by == rule.performed_by
    )


def _match(cands: list[list], usable: list[ContactFacts], used: list[bool]) -> None:
    """Greedy: each obligation (in matching order) takes the earliest eligible unused contact.

    The first talk of a first-deadline rule takes the first eligible talk, held late or not. A
    second pass lets a contact held after the deadline meet another one-off obligation still
    unmet (late): the talk was owed and has now been held, so it leaves the worklist, but it does
    not count as met on time. Recurring periods are not caught up this way: a late contact
    belongs to the period it falls in.
    """
    for cand in cands:
        latest, earliest, p = cand[0], cand[1], cand[5]
        # The first talk is the first one held, even when it is held late.
        first_talk = cand[8]
        for i, c in enumerate(usable):
            d = c.date
            if d > latest and not first_talk:
                break
            if used[i] or d < earliest:
                continue
            if _eligible(p, c):
                used[i] = True
                cand[7] = c
                cand[9] = d > latest  # late
                break
    for cand in cands:
        if cand[7] is not None or cand[6] is not None:
            continue
        latest, p = cand[0], cand[5]
        for i, c in enumerate(usable):
            if not used[i] and c.date > latest and _eligible(p, c):
                used[i] = True
                cand[7] = c
                cand[9] = True  # late
                break


def _build(cands: list[list], enrolment: EnrolmentFacts, on: date,
           due_soon_days: int, explain: bool = True) -> list[Obligation]:
    language = active_language() if explain else ""
    end = enrolment.end
    may_waive = enrolment.exempt and not enrolment.work_obligation
    out = []
    for cand in cands:
        latest, earliest, _order, k, of, p, period, met_by, first_talk, late, anchor, note = cand
        rule = p.rule
        if met_by is not None:
            status = "met"
        elif end is not None and latest > end:
            continue  # policy 6: left before the deadline, not owed
        elif rule.performed_by == "a-kasse":
            status = "not_municipal"
        elif may_waive and p.waivable_rest and not first_talk:
            status = "waived"
        elif on > latest:
            status = "overdue"
        elif (latest - on).days <= due_soon_days:
            status = "due_soon"
        else:
            status = "open"
        if not explain:
            text = ""
        elif language == SOURCE_LANGUAGE:
            text = _explain(p, k, of, earliest, latest, period, status, met_by, late, anchor)
            if note:
                text += f" Overgangsregel (foreløbig): {note}"
        else:
            text = _explain_in(language, p, k, of, earliest, latest, period, status, met_by, late, anchor)
            if note:
                text += " " + gettext("Overgangsregel (foreløbig): %(note)s", language) % {"note": note}
        out.append(Obligation(
            rule.code, p.set_code, rule.kind, k, of, earliest, latest, status, met_by,
            rule.performed_by, rule.quota_pct, rule.legal_reference, rule.provisional,
            text, late, p.local, note,
        ))
    out.sort(key=lambda o: (o.latest, o.rule, o.number))
    return out


_STATUS_TEXT = {
    "not_municipal": gettext_noop("A-kassens ansvar (ikke kommunal opgave)."),
    "waived": gettext_noop("Fritaget efter 25 %%-reglen."),
    "overdue": gettext_noop("Overskredet."),
    "due_soon": gettext_noop("Forfalder snart."),
    "open": "",
}
_STATUS_DANISH = {status: text % {} for status, text in _STATUS_TEXT.items()}  # "%%" is one "%"
_ANCHOR_TEXT = {
    "start": gettext_noop("senest %(months)s måneder efter start (%(date)s)"),
    "window": gettext_noop("senest %(months)s måneder efter vinduets start (%(date)s)"),
    "contact": gettext_noop("senest %(months)s måneder efter seneste kontakt (%(date)s)"),
    "projected": gettext_noop("senest %(months)s måneder efter forrige frist (%(date)s)"),
}


def _explain(p: _Plan, k: int, of: int, earliest: date, latest: date,
             period: tuple[date, date] | None, status: str, met_by: ContactFacts | None,
             late: bool = False, anchor: str | None = None) -> str:
    """One Danish sentence (or a few) citing the legal reference (the source language, stored by
    the refresh; other languages go through ``_explain_in``, which gives the same Danish text)."""
    head = f"{p.label} {k} af {of}" if of > 1 else p.label
    if anchor is not None:
        when = _ANCHOR_TEXT[anchor] % {"months": p.every, "date": fmt_date(earliest)}
    elif period is not None:
        when = f"i perioden {fmt_date(period[0])}–{fmt_date(period[1])}, {p.window_text}"
    elif k == 1 and p.first_text:
        when = p.first_text
    else:
        when = p.window_text
    text = (f"{head} skal {p.verb} senest {fmt_date(latest)} ({when}), "
            f"jf. {p.rule.legal_reference}.{p.tail}")
    if met_by is not None and late:
        return f"{text} Opfyldt for sent ved {p.noun} {fmt_date(met_by.date)}."
    if met_by is not None:
        return f"{text} Opfyldt ved {p.noun} {fmt_date(met_by.date)}."
    status_text = _STATUS_DANISH[status]
    return f"{text} {status_text}" if status_text else text


def _sentences(language: str) -> dict[str, str]:
    """The explanation's sentence templates in ``language``, looked up once per language."""
    found = _SENTENCES.get(language)
    if found is None:
        found = _SENTENCES[language] = {
            "head": gettext("%(kind)s %(n)s af %(of)s", language),
            "period": gettext("i perioden %(from)s–%(to)s, %(window)s", language),
            "must_contact": gettext(
                "%(head)s skal ske senest %(date)s (%(when)s), jf. %(reference)s.", language),
            "must_talk": gettext(
                "%(head)s skal holdes senest %(date)s (%(when)s), jf. %(reference)s.", language),
            "late_contact": gettext("Opfyldt for sent ved kontakt %(date)s.", language),
            "late_talk": gettext("Opfyldt for sent ved samtale %(date)s.", language),
            "met_contact": gettext("Opfyldt ved kontakt %(date)s.", language),
            "met_talk": gettext("Opfyldt ved samtale %(date)s.", language),
            **{status: gettext(text, language) % {} for status, text in _STATUS_TEXT.items() if text},
            **{f"anchor_{kind}": gettext(text, language) for kind, text in _ANCHOR_TEXT.items()},
        }
    return found


_SENTENCES: dict[str, dict[str, str]] = {}


def _explain_in(language: str, p: _Plan, k: int, of: int, earliest: date, latest: date,
                period: tuple[date, date] | None, status: str, met_by: ContactFacts | None,
                late: bool = False, anchor: str | None = None) -> str:
    s = _sentences(language)
    label, window_text, first_text, tail = p.texts(language)
    head = s["head"] % {"kind": label, "n": k, "of": of} if of > 1 else label
    if anchor is not None:
        when = s["anchor_" + anchor] % {"months": p.every, "date": fmt_date(earliest)}
    elif period is not None:
        when = s["period"] % {"from": fmt_date(period[0]), "to": fmt_date(period[1]), "window": window_text}
    elif k == 1 and first_text:
        when = first_text
    else:
        when = window_text
    kind = "contact" if p.rule.kind == "kontakt" else "talk"
    text = s["must_" + kind] % {"head": head, "date": fmt_date(latest), "when": when,
                                "reference": p.rule.legal_reference} + tail
    if met_by is not None:
        return f"{text} {s[('late_' if late else 'met_') + kind] % {'date': fmt_date(met_by.date)}}"
    status_text = s.get(status)
    return f"{text} {status_text}" if status_text else text


def next_due(obligations: Iterable[Obligation]) -> Obligation | None:
    """The first obligation still to act on (overdue, due soon or open), by latest date."""
    best = None
    for o in obligations:
        if o.status in ACTIVE_STATUSES and (best is None or o.latest < best.latest):
            best = o
    return best


# --- The 25 % exemption limit (cohort compliance: citizens.compliance) -----------------------


@dataclass(frozen=True, slots=True)
class ExemptionUsage:
    exempt: int
    eligible: int
    share: float
    limit: float
    within_limit: bool


def exemption_usage(enrolments: Iterable[EnrolmentFacts]) -> ExemptionUsage:
    """Use of the 25 % exemption (lov nr. 1750; STAR Q&A): at most 1 in 4 may be exempted.

    Citizens under the work obligation (LAB kap. 16 a) are outside the exemption, so they are
    neither eligible nor counted as exempt even if flagged.
    """
    exempt = eligible = 0
    for e in enrolments:
        if e.work_obligation:
            continue
        eligible += 1
        if e.exempt:
            exempt += 1
    share = exempt / eligible if eligible else 0.0
    return ExemptionUsage(exempt, eligible, share, EXEMPTION_LIMIT, exempt * 4 <= eligible)
