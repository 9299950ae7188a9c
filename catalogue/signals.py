"""The catalogue announces rule changes; whoever stores derived obligations listens.

``rules_changed`` is sent after the writing transaction has committed, with ``target_groups``:
the codes of the target groups whose rules changed, or None when every group may be affected.
The citizens app registers the receiver (``citizens.apps``), so the dependency runs one way:
citizens uses the catalogue, the catalogue imports nothing from citizens.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

rules_changed = Signal()


def announce_rules_changed(target_groups: Iterable[str] | None) -> None:
    """Send ``rules_changed`` once the current transaction commits (at once outside one)."""
    groups = None if target_groups is None else frozenset(target_groups)
    if groups is not None and not groups:
        return
    transaction.on_commit(lambda: rules_changed.send(sender=announce_rules_changed, target_groups=groups))
