"""Audit entries for lists: one entry per request, naming every citizen shown.

A list can show up to 500 citizens a page (names, CPR masked, deadlines); the data-protection
rule is that every view of a citizen's data is logged, so a list is logged like an export."""

from citizens.models import AuditEvent
from citizens.services import audit_log


def audit_citizens_shown(*, user, citizen_ids, details: dict) -> AuditEvent | None:
    """One EXPORT entry naming the ids shown (in order, without repeats); nothing if none."""
    ids = list(dict.fromkeys(int(i) for i in citizen_ids if i is not None))
    if not ids:
        return None
    return audit_log(
        user=user, citizen=None, action=AuditEvent.Action.EXPORT, details={**details, "citizens": ids}
    )
