"""Demo bookings for the coming weeks (``seed_demo``): deterministic, bounded, never overlapping.

Each caseworker gets up to ``per_caseworker`` planned talks over the next three weeks, for citizens
whose next obligation is due soon or open (the overdue ones are left for the demo walk: book one).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Citizen, Obligation
from citizens.refresh import obligation_label
from jobcenter.models import Role, StaffMember
from planning.models import Booking
from planning.selectors import calendar_inputs
from planning.services import DEFAULT_MINUTES
from planning.slots import find_slots


@transaction.atomic
def seed_bookings(*, on: date, seed: int = 2026, per_caseworker: int = 12) -> int:
    if Booking.objects.exists():
        return 0
    rng = random.Random(seed)
    now = datetime.combine(on, time(7), timezone.get_current_timezone())
    until = on + timedelta(days=21)
    rows = []
    for staff in StaffMember.objects.filter(role__in=[Role.CASEWORKER, Role.TEAM_LEADER]).order_by("pk"):
        candidates = list(
            Citizen.objects.filter(caseworker=staff, next_status__in=["due_soon", "open"], anonymised_at=None)
            .order_by("next_due", "pk")
            .values_list("pk", flat=True)[: per_caseworker * 2]
        )
        chosen = sorted(rng.sample(candidates, min(per_caseworker, len(candidates))))
        if not chosen:
            continue
        first_due: dict[int, Obligation] = {}
        for ob in Obligation.objects.filter(
            enrolment__citizen_id__in=chosen, status__in=["due_soon", "open"]
        ).order_by("latest", "rule", "number"):
            first_due.setdefault(ob.enrolment.citizen_id, ob)
        inputs = calendar_inputs(staff, on, until, with_rooms=False)
        busy = list(inputs.busy)
        taken: defaultdict[date, int] = defaultdict(int)
        for citizen_id in chosen:
            ob = first_due.get(citizen_id)
            channel = rng.choice(["fremmoede", "fremmoede", "telefon", "video"])
            minutes = DEFAULT_MINUTES[channel]
            # Spread the talks: start looking on a random day of the three weeks.
            start_from = now + timedelta(days=rng.randint(0, 14))
            slots = find_slots(
                now=start_from,
                until=until,
                minutes=minutes,
                hours=inputs.hours,
                absences=inputs.absences,
                closed=inputs.closed,
                busy=busy,
                limit=1,
            )
            if not slots:
                continue
            slot = slots[0]
            busy.append((slot.start, slot.end))
            taken[slot.start.date()] += 1
            rows.append(
                Booking(
                    citizen_id=citizen_id,
                    caseworker=staff,
                    start=slot.start,
                    end=slot.end,
                    day=timezone.localdate(slot.start),
                    minutes=minutes,
                    kind=ob.kind if ob and ob.kind != "kontakt" else "jobsamtale",
                    channel=channel,
                    enrolment_id=ob.enrolment_id if ob else None,
                    obligation_rule=ob.rule if ob else "",
                    obligation_number=ob.number if ob else None,
                    obligation_label=obligation_label(ob) if ob else "",
                    obligation_earliest=ob.earliest if ob else None,
                    obligation_latest=ob.latest if ob else None,
                )
            )
    Booking.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
