"""Which planned talk (booking) would meet which obligation if it were held. Pure, no ORM.

Policies (the ``rules_check`` contract, issue 9):

1. A booking is matched like a contact (``citizens.obligations``): it must be of the rule's kind
   (any kind for a ``kontakt`` rule), on one of the rule's channels and by the rule's performer,
   and fall on a date inside the enrolment.
2. Only obligations not already met take bookings. In the engine's matching order (deadline,
   window start, rule, number) each takes the earliest unused booking dated inside its window
   [earliest, latest]: that is ``booked_for``. Each booking serves at most one obligation.
3. An obligation with no booking in its window but an eligible booking after its latest date is
   ``booked_late`` (the earliest such booking): booked, but after the deadline.
4. A booking never meets an obligation and never changes its status: only a held contact does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class BookingFacts:
    date: date
    kind: str
    channel: str
    performed_by: str = "kommune"
    id: Any = None


class ObligationLike(Protocol):
    rule: str
    rule_set: str
    kind: str
    number: int
    earliest: date
    latest: date
    status: str
    performed_by: str


@dataclass(frozen=True, slots=True)
class BookingMatch:
    booked_for: BookingFacts | None = None
    booked_late: BookingFacts | None = None


def eligible(obligation: ObligationLike, booking: BookingFacts, channels: Sequence[str]) -> bool:
    return (
        (obligation.kind == "kontakt" or booking.kind == obligation.kind)
        and booking.channel in channels
        and booking.performed_by == obligation.performed_by
    )


def match_bookings(
    obligations: Sequence[ObligationLike],
    bookings: Sequence[BookingFacts],
    channels_of: Callable[[ObligationLike], Sequence[str]],
    *,
    start: date,
    end: date | None = None,
) -> list[BookingMatch]:
    """One BookingMatch per obligation, in the order given (see the module's policies).

    ``start``/``end`` are the enrolment's; ``channels_of`` gives an obligation's rule channels.
    """
    usable = sorted(
        (b for b in bookings if start <= b.date and (end is None or b.date <= end)),
        key=lambda b: (b.date, b.kind, b.channel, b.performed_by, str(b.id)),
    )
    order = sorted(
        (i for i, o in enumerate(obligations) if o.status != "met"),
        key=lambda i: (
            obligations[i].latest,
            obligations[i].earliest,
            obligations[i].rule,
            obligations[i].number,
        ),
    )
    used = [False] * len(usable)
    found: dict[int, BookingFacts] = {}
    for i in order:
        o = obligations[i]
        channels = channels_of(o)
        for j, b in enumerate(usable):
            if b.date > o.latest:
                break
            if not used[j] and b.date >= o.earliest and eligible(o, b, channels):
                used[j] = True
                found[i] = b
                break
    out = []
    for i, o in enumerate(obligations):
        if o.status == "met":
            out.append(BookingMatch())
        elif i in found:
            out.append(BookingMatch(booked_for=found[i]))
        else:
            channels = channels_of(o)
            late = next((b for b in usable if b.date > o.latest and eligible(o, b, channels)), None)
            out.append(BookingMatch(booked_late=late))
    return out
