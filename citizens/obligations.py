"""The obligation engine: rules + an enrolment + its contacts + a date -> obligations.

Pure module (no Django). Input and output are frozen dataclasses; every date rule is computed
against an explicit ``on`` date. Rules come from ``catalogue.rulebook`` (sources in
``shared/domain/reform-rules.md``).

Policies (implemented exactly as stated here):

1. **Rule-set change during an enrolment.** With ``rule_set=None`` an obligation is governed by
   the active statutory set in force on its *latest* date: each set's obligations are generated
   (windows always measured from the enrolment start) and only those whose latest date falls
   inside that set's validity are kept. With ``rule_set`` given, that set applies to every
   date (what-if mode, used by forecasts).
2. **Group mapping.** A pre-2027 group under a set written for the 2027 groups (``lab-2027``)
   uses its mapped 2027 group's rules; a 2027 group under a pre-2027 set has no rules.
3. **Transfer** between target groups is two enrolments, each evaluated on its own, counting
   only contacts dated within [start, end]; the new group's clock starts at its own start.
4. **Windows.** A window "from F to T months" runs from ``start + F months`` to the day before
   ``start + T months`` (so "the first 6 months" of a 1 July start ends 31 December). Number
   k of a count rule has earliest = window start and latest = window end, except number 1 of
   a rule with ``first_deadline_days``, whose latest is ``start + days``.
5. **Recurring rules.** ``count`` obligations per period of N months starting at the window
   start; periods are generated while the period start is <= max(on, start), on or before the
   enrolment end and before the window end (a last period is cut at the window end).
6. **Enrolment end.** Obligations whose earliest date is after the end are not owed; unmet
   obligations whose latest date is after the end are dropped too (the citizen left in time).
7. **Matching.** A contact counts only if outcome is "held", its kind equals the rule's kind
   (a "kontakt" rule accepts any kind), its channel is one of the rule's channels, the
   performer is the same, and its date is within [earliest, latest], within the enrolment and
   not after ``on``. Each contact meets at most one obligation: obligations are served in the
   order (latest, earliest, rule order, number), each taking the earliest eligible unused
   contact. This greedy assignment is monotone: adding a contact never un-meets an obligation.
   **Late contacts:** the first talk is the first eligible talk held, even after its deadline;
   then a still-unmet one-off obligation takes an unused contact held after its deadline. Both
   are ``met`` with ``late=True``: off the worklist, but not counted as met in cohort quotas.
   Recurring periods are not caught up: a contact belongs to the period it falls in.
8. **Status** (first that applies): ``met`` if matched; ``not_municipal`` if performed by the
   a-kasse (owed, but not municipal work); ``waived`` if the enrolment is exempt, the rule is
   exemptable, the citizen is not under the work obligation (LAB kap. 16 a) and it is not
   number 1 of a first-deadline rule (the first talk is for 100 %); ``overdue`` if on > latest;
   ``due_soon`` if latest - on <= ``due_soon_days``; else ``open``.
9. **Dates** use calendar months clamped to the month end (31 Jan + 1 month = 28/29 Feb).

Cohort compliance (the 75 % quotas of lov nr. 1750) and the 25 % exemption limit are separate
pure functions at the bottom of this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from catalogue.i18n import SOURCE_LANGUAGE, active_language, gettext
from catalogue.rulebook import CHANNEL_LABELS, CHANNELS, KIND_LABELS, RuleBook, RuleSpec, gettext_noop

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


@dataclass(frozen=True, slots=True)
class EnrolmentFacts:
    target_group: str
    start: date
    end: date | None = None
    exempt: bool = False
    work_obligation: bool = False


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


# --- Per-book precomputation ----------------------------------------------------------------


class _Plan:
    """A rule prepared for evaluation: lookups and text fragments computed once per book."""

    __slots__ = (
        "rule", "set_code", "order", "valid_from", "valid_to", "any_kind", "channels",
        "first_deadline", "waivable_rest", "_texts",
    )

    def __init__(self, rule: RuleSpec, set_code: str, order: int,
                 valid_from: date | None, valid_to: date | None):
        self.rule = rule
        self.set_code = set_code
        self.order = order
        self.valid_from = valid_from
        self.valid_to = valid_to
        self.any_kind = rule.kind == "kontakt"
        self.channels = frozenset(rule.channels)
        self.first_deadline = (
            None if rule.first_deadline_days is None else timedelta(days=rule.first_deadline_days)
        )
        self.waivable_rest = rule.exemptable
        self._texts: dict[str, tuple[str, str, str, str]] = {}

    def texts(self, language: str) -> tuple[str, str, str, str]:
        """(kind label, window, first deadline, tail) in ``language``, computed once per language."""
        found = self._texts.get(language)
        if found is None:
            label = gettext(KIND_LABELS.get(self.rule.kind, self.rule.kind), language)
            window, first = _window_texts(self.rule, language)
            found = self._texts[language] = (label, window, first, _tail_text(self.rule, language))
        return found


def _window_texts(rule: RuleSpec, language: str = "da") -> tuple[str, str]:
    f, t = rule.window_from_months, rule.window_to_months
    if rule.recurring_every_months is not None:
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


def _tail_text(rule: RuleSpec, language: str = "da") -> str:
    """Fixed sentences after the deadline: channels, performer, quota, provisional."""
    parts = []
    if set(rule.channels) != set(CHANNELS):
        names = [gettext(CHANNEL_LABELS[c], language).lower() for c in CHANNELS if c in rule.channels]
        separator = " " + gettext("eller", language) + " "
        parts.append(gettext("Tæller kun ved %(channels)s.", language) % {"channels": separator.join(names)})
    if rule.performed_by == "a-kasse":
        parts.append(gettext("Holdes af a-kassen.", language))
    if rule.quota_pct < 100:
        parts.append(gettext("Kvote: mindst %(pct)s %% af målgruppen.", language) % {"pct": rule.quota_pct})
    if rule.provisional:
        parts.append(gettext("Foreløbig regel (ikke bekræftet).", language))
    return (" " + " ".join(parts)) if parts else ""


_CACHE: dict[int, tuple[RuleBook, dict[tuple[str | None, str], tuple[_Plan, ...]]]] = {}


def _plans(book: RuleBook, group: str, rule_set: str | None) -> tuple[_Plan, ...]:
    """Plans for (rule_set or all statutory sets, group), cached by book identity."""
    entry = _CACHE.get(id(book))
    if entry is None or entry[0] is not book:
        if len(_CACHE) > 16:  # books are long-lived; bound the cache anyway
            _CACHE.clear()
        entry = (book, {})
        _CACHE[id(book)] = entry
    cache = entry[1]
    key = (rule_set, group)
    plans = cache.get(key)
    if plans is None:
        plans = _build_plans(book, group, rule_set)
        cache[key] = plans
    return plans


def _build_plans(book: RuleBook, group: str, rule_set: str | None) -> tuple[_Plan, ...]:
    if rule_set is not None:
        rs = book.rule_set(rule_set)
        return tuple(
            _Plan(rule, rs.code, i, None, None) for i, rule in enumerate(book.rules_for(rs, group))
        )
    plans = []
    for s_idx, rs in enumerate(book.statutory_sets()):
        for i, rule in enumerate(book.rules_for(rs, group)):
            plans.append(_Plan(rule, rs.code, s_idx * 1000 + i, rs.valid_from, rs.valid_to))
    return tuple(plans)


# --- Evaluation -----------------------------------------------------------------------------


def evaluate(
    book: RuleBook,
    enrolment: EnrolmentFacts,
    contacts: Iterable[ContactFacts],
    on: date,
    rule_set: str | None = None,
    due_soon_days: int = 14,
) -> list[Obligation]:
    """Obligations of one enrolment on ``on``, sorted by (latest, rule, number).

    See the module docstring for the policies.
    """
    plans = _plans(book, enrolment.target_group, rule_set)
    if not plans:
        return []
    start, end = enrolment.start, enrolment.end
    cands = _candidates(plans, start, end, on if on > start else start)
    if not cands:
        return []
    usable = _usable_contacts(contacts, start, end, on)
    if usable:
        _match(cands, usable)
    return _build(cands, enrolment, on, due_soon_days)


def _candidates(plans: tuple[_Plan, ...], start: date, end: date | None,
                horizon: date) -> list[list]:
    """Owed obligations as mutable rows [latest, earliest, order, number, of, plan, period,
    met_by, first_talk, late], already in matching order."""
    cands: list[list] = []
    for p in plans:
        r = p.rule
        every = r.recurring_every_months
        first = p.first_deadline is not None
        if every is None:
            earliest = add_months(start, r.window_from_months) if r.window_from_months else start
            if end is not None and earliest > end:
                continue
            w_end = add_months(start, r.window_to_months or 0) - ONE_DAY  # validated: set for one-offs
            for k in range(1, r.count + 1):
                latest = start + p.first_deadline if k == 1 and p.first_deadline is not None else w_end
                if p.valid_from is not None and not _governs(p, latest):
                    continue
                cands.append([latest, earliest, p.order, k, r.count, p, None, None, k == 1 and first, False])
            continue
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
                if p.valid_from is None or _governs(p, latest):
                    cands.append([latest, p_start, p.order, k, r.count, p, period, None, first_talk, False])
            offset += every
    cands.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    return cands


def _governs(p: _Plan, latest: date) -> bool:
    """Policy 1: the set in force on the obligation's latest date governs it."""
    if p.valid_from is None:
        return True
    return p.valid_from <= latest and (p.valid_to is None or latest <= p.valid_to)


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


def _match(cands: list[list], usable: list[ContactFacts]) -> None:
    """Greedy: each obligation (in matching order) takes the earliest eligible unused contact.

    The first talk of a first-deadline rule takes the first eligible talk, held late or not. A
    second pass lets a contact held after the deadline meet another one-off obligation still
    unmet (late): the talk was owed and has now been held, so it leaves the worklist, but it does
    not count as met on time. Recurring periods are not caught up this way: a late contact
    belongs to the period it falls in.
    """
    used = [False] * len(usable)
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
           due_soon_days: int) -> list[Obligation]:
    language = active_language()
    end = enrolment.end
    may_waive = enrolment.exempt and not enrolment.work_obligation
    out = []
    for cand in cands:
        latest, earliest, _order, k, of, p, period, met_by, first_talk, late = cand
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
        out.append(Obligation(
            rule.code, p.set_code, rule.kind, k, of, earliest, latest, status, met_by,
            rule.performed_by, rule.quota_pct, rule.legal_reference, rule.provisional,
            _explain(p, k, of, latest, period, status, met_by, late, language), late,
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
        }
    return found


_SENTENCES: dict[str, dict[str, str]] = {}
_STATUS_DANISH = {status: text % {} for status, text in _STATUS_TEXT.items()}  # "%%" is one "%"


def _explain(p: _Plan, k: int, of: int, latest: date, period: tuple[date, date] | None,
             status: str, met_by: ContactFacts | None, late: bool = False, language: str = "da") -> str:
    """One sentence (or a few) citing the legal reference, in the user's language.

    Danish, the source language and the one stored by the refresh, takes a fast path with the same
    sentences as f-strings (``_explain_in`` with "da" gives the same text; tested)."""
    if language != SOURCE_LANGUAGE:
        return _explain_in(language, p, k, of, latest, period, status, met_by, late)
    label, window_text, first_text, tail = p.texts(language)
    head = f"{label} {k} af {of}" if of > 1 else label
    if period is not None:
        when = f"i perioden {fmt_date(period[0])}–{fmt_date(period[1])}, {window_text}"
    elif k == 1 and first_text:
        when = first_text
    else:
        when = window_text
    verb, noun = ("ske", "kontakt") if p.rule.kind == "kontakt" else ("holdes", "samtale")
    text = f"{head} skal {verb} senest {fmt_date(latest)} ({when}), jf. {p.rule.legal_reference}.{tail}"
    if met_by is not None and late:
        return f"{text} Opfyldt for sent ved {noun} {fmt_date(met_by.date)}."
    if met_by is not None:
        return f"{text} Opfyldt ved {noun} {fmt_date(met_by.date)}."
    status_text = _STATUS_DANISH[status]
    return f"{text} {status_text}" if status_text else text


def _explain_in(language: str, p: _Plan, k: int, of: int, latest: date, period: tuple[date, date] | None,
                status: str, met_by: ContactFacts | None, late: bool = False) -> str:
    s = _sentences(language)
    label, window_text, first_text, tail = p.texts(language)
    head = s["head"] % {"kind": label, "n": k, "of": of} if of > 1 else label
    if period is not None:
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


# --- Cohort compliance (75 % quotas) and the 25 % exemption limit ---------------------------


@dataclass(frozen=True, slots=True)
class CohortRow:
    """Compliance of one cohort (target group, start month) with one rule.

    ``applies`` counts enrolments owing the rule that are not waived: an enrolment with any
    waived obligation of the rule is exempted (within the 25 %) and left out of the
    denominator. ``pending`` are counted enrolments not yet met in full but with nothing
    overdue: they may still comply, so the share is provisional while pending > 0.
    """

    target_group: str
    cohort: str
    applies: int
    met: int
    pending: int
    waived: int
    share: float
    quota_pct: int
    meets_quota: bool


@dataclass(frozen=True, slots=True)
class CohortResult:
    rule: str
    rows: tuple[CohortRow, ...]


def cohort_compliance(
    results: Iterable[tuple[EnrolmentFacts, list[Obligation]]], rule_code: str
) -> CohortResult:
    """Per cohort: how many enrolments met ``rule_code`` in full (all its numbers met).

    Enrolments without an obligation of the rule do not count; waived ones are excluded from
    the denominator. The quota is the rule's quota_pct (the strictest one if the cohort's
    obligations come from rule sets with different quotas). An empty cohort meets its quota.
    """
    acc: dict[tuple[str, str], list[int]] = {}  # applies, met, pending, waived, quota
    for enrolment, obligations in results:
        own = [o for o in obligations if o.rule == rule_code]
        if not own:
            continue
        key = (enrolment.target_group, f"{enrolment.start.year:04d}-{enrolment.start.month:02d}")
        row = acc.setdefault(key, [0, 0, 0, 0, 0])
        row[4] = max(row[4], max(o.quota_pct for o in own))
        if any(o.status == "waived" for o in own):
            row[3] += 1
            continue
        row[0] += 1
        if all(o.status == "met" and not o.late for o in own):
            row[1] += 1
        elif not any(o.status == "overdue" for o in own):
            row[2] += 1
    rows = []
    for (group, cohort), (applies, met, pending, waived, quota) in sorted(acc.items()):
        share = met / applies if applies else 1.0
        rows.append(CohortRow(group, cohort, applies, met, pending, waived, share, quota,
                              met * 100 >= quota * applies))
    return CohortResult(rule_code, tuple(rows))


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
