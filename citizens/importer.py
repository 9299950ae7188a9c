"""The caseload import: read and check a file, then write it through the services, all or nothing.

Three steps, each in its own module:

- ``citizens/import_file.py`` reads the CSV or XLSX as a stream, within the size and row limits;
- ``citizens/import_check.py`` checks every row (pure: the organisation comes in as plain mappings)
  and describes the file's format;
- ``citizens/services_bulk.py`` writes the checked rows with the services' rules and audit entries
  (bulk variants of ``citizens/services.py``).

This module ties them together: the lookups the check needs, one transaction for the write (rolled
back for a dry run), and the obligations refresh afterwards. Used by ``manage.py import_caseload``
and the Celery import job (``citizens/import_jobs.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from citizens.import_check import CitizenRow, ContactRow, ImportRejected, Report, RowError, validate
from citizens.import_file import Source, read_records

__all__ = ["ImportRejected", "Report", "Result", "RowError", "check_file", "import_rows", "read_path",
           "run_import"]


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    enrolments_created: int = 0
    enrolments_ended: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    contacts_unchanged: int = 0
    committed: bool = False
    refresh_scheduled: bool = False
    touched: list[int] = field(default_factory=list)


class _DryRun(Exception):
    pass


# Up to this many changed citizens, their obligations are recomputed inside the import's
# transaction; a larger import leaves it to the Celery refresh task after commit.
INLINE_REFRESH_LIMIT = 5000


def import_rows(
    rows: list[CitizenRow],
    *,
    contacts: Iterable[ContactRow] = (),
    user=None,
    commit: bool = False,
    refresh: str | None = "auto",
) -> Result:
    """Upsert the checked citizens and contacts in one transaction; without `commit` it is rolled back.

    ``refresh``: "auto" recomputes the obligations of the changed citizens in the transaction when
    there are few, else schedules the Celery refresh after commit; None leaves it to the caller.
    Raises ImportRejected (with row numbers) when a row conflicts with what is already stored."""
    from django.db import transaction

    result = Result()
    try:
        with transaction.atomic():
            touched = _write(rows, list(contacts), user, result)
            if not commit:
                raise _DryRun
            result.touched = touched
            if refresh == "auto" and touched:
                if len(touched) <= INLINE_REFRESH_LIMIT:
                    from citizens.refresh import refresh_citizens

                    refresh_citizens(touched)
                else:
                    from citizens.refresh import mark_citizens_dirty, schedule_dirty_refresh

                    mark_citizens_dirty(touched)
                    schedule_dirty_refresh()
                    result.refresh_scheduled = True
            result.committed = True
    except _DryRun:
        pass
    return result


def _write(rows: list[CitizenRow], contacts: list[ContactRow], user, result: Result) -> list[int]:
    """The write step: the services' bulk variants, in order; returns the citizens changed."""
    from catalogue.models import TargetGroup
    from citizens import services_bulk
    from jobcenter.models import StaffMember, Team

    team_ids = dict(Team.objects.values_list("name", "pk"))
    staff_ids = dict(StaffMember.objects.values_list("user__username", "pk"))
    groups = {g.code: g for g in TargetGroup.objects.all()}
    citizens = services_bulk.citizens_upsert_bulk(
        user=user, rows=rows, team_ids=team_ids, staff_ids=staff_ids
    )
    enrolments = services_bulk.enrolments_upsert_bulk(user=user, rows=rows, citizens=citizens, groups=groups)
    written = services_bulk.contacts_upsert_bulk(
        user=user, contacts=contacts, citizens=citizens, first_start=enrolments.first_start
    )
    result.created, result.updated, result.unchanged = (
        len(citizens.created), len(citizens.changed), citizens.unchanged
    )
    result.enrolments_created, result.enrolments_ended = enrolments.created, enrolments.ended
    result.contacts_created, result.contacts_updated, result.contacts_unchanged = (
        written.created, written.updated, written.unchanged
    )
    return sorted({*citizens.created, *citizens.changed, *enrolments.touched, *written.touched})


def check_file(source: Source, filename: str, *, progress: Callable[[float], None] | None = None) -> Report:
    """Read (as a stream) and validate a file against the organisation and target groups in the
    database. `source`: bytes, a path or a binary file; `progress` as for read_records."""
    from django.utils import timezone

    from catalogue.models import TargetGroup
    from jobcenter.models import Role, StaffMember, Team

    teams = set(Team.objects.values_list("name", flat=True))
    caseworkers = {
        username: team
        for username, team in StaffMember.objects.filter(
            role__in=[Role.CASEWORKER, Role.TEAM_LEADER], team__isnull=False
        ).values_list("user__username", "team__name")
    }
    groups = set(TargetGroup.objects.values_list("code", flat=True))
    try:
        return validate(read_records(source, filename, progress=progress), teams=teams,
                        caseworkers=caseworkers, target_groups=groups, today=timezone.localdate())
    except ValueError as exc:
        return Report(errors=[RowError(0, "", str(exc))])


def run_import(
    source: Source, filename: str, *, user=None, commit: bool = False
) -> tuple[Report, Result | None]:
    """Check the file; if it is clean, import it (or rehearse the import in a rolled-back transaction)."""
    report = check_file(source, filename)
    if not report.ok:
        return report, None
    try:
        return report, import_rows(report.rows, contacts=report.contacts, user=user, commit=commit)
    except ImportRejected as exc:
        report.errors.extend(exc.errors)
        return report, None


def read_path(path: str | Path) -> tuple[Path, str]:
    """The file to import (read later, as a stream) and its name; OSError when it cannot be read."""
    path = Path(path)
    with open(path, "rb"):
        pass
    return path, path.name
