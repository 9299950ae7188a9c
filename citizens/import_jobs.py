"""Imports as Celery jobs: the upload is stored privately and a worker checks it (the dry run) or
imports it, reporting progress on the page, so a large file never runs inside a web request.

The rules are the command's (citizens/importer.py): nothing is saved without a confirmed, clean dry
run, and an import is one transaction (all or nothing). A job handed out twice (a worker killed, its
message redelivered) does no harm: a finished job is left alone and the import itself is idempotent.
"""

import dataclasses
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from citizens import importer
from citizens.models import ImportJob

log = logging.getLogger(__name__)

# Uploaded files wait here between the dry run and the import; with several web servers and
# workers, point KONTAKTPLAN_IMPORT_DIR at a shared private directory.
IMPORT_DIR = Path(
    os.environ.get("KONTAKTPLAN_IMPORT_DIR", Path(tempfile.gettempdir()) / "kontaktplan-import")
)
PENDING_IMPORT_TTL = 60 * 60
MAX_REPORTED_ERRORS = 500
READ_SHARE = 60  # per cent of the progress bar for reading and checking; the rest is the write
QUEUE_UNAVAILABLE = _("Køen er utilgængelig, prøv igen om lidt.")


def import_dir() -> Path:
    """The private directory, without files older than PENDING_IMPORT_TTL."""
    IMPORT_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_IMPORT_TTL
    for stale in IMPORT_DIR.iterdir():
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return IMPORT_DIR


def store_upload(upload) -> str:
    """Write the upload to a private file in chunks (never whole in memory); returns its token."""
    token = uuid.uuid4().hex + (".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv")
    path = import_dir() / token
    path.touch(mode=0o600)
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def start(*, user, name: str, token: str, commit: bool) -> ImportJob:
    """Create the job and send it to a worker once committed. Without a reachable queue the job is
    marked failed with a message saying so (nothing was read or saved)."""
    job = ImportJob.objects.create(user=user, name=name[:255], token=token, commit=commit)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _send(job))
    else:
        _send(job)
    return job


def _send(job: ImportJob) -> None:
    from citizens.tasks import run_import_job
    from jobcenter.jobs import PUBLISH_RETRY

    try:
        run_import_job.apply_async([job.pk], retry=True, retry_policy=PUBLISH_RETRY)
    except (BrokerError, OSError) as exc:
        log.warning("import %s not queued, broker unavailable: %s", job.pk, exc)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, errors=[[0, "", str(QUEUE_UNAVAILABLE)]], error_count=1,
            finished_at=timezone.now(),
        )


def run(job_id: int) -> ImportJob:
    """The worker's part: read and check the file, then import it (or rehearse the import)."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job  # a redelivered message: the job already ran
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, progress=1)
    path = IMPORT_DIR / job.token
    if not path.exists():
        return _finish(job, errors=[[0, "", str(_("Filen er udløbet. Upload den igen."))]])
    shown = {"progress": 1}

    def progress(fraction: float) -> None:
        value = max(1, min(READ_SHARE, int(READ_SHARE * fraction)))
        if value > shown["progress"]:
            shown["progress"] = value
            ImportJob.objects.filter(pk=job.pk).update(progress=value)

    try:
        report = importer.check_file(path, job.name, progress=progress)
        job.lines = report.lines
        result = None
        if report.ok:
            ImportJob.objects.filter(pk=job.pk).update(progress=READ_SHARE)
            try:
                result = importer.import_rows(
                    report.rows, contacts=report.contacts, user=job.user, commit=job.commit
                )
            except importer.ImportRejected as exc:
                report.errors.extend(exc.errors)
        errors = [[e.row, e.column, e.message] for e in report.errors]
        return _finish(job, errors=errors, result=result)
    finally:
        if job.commit:
            path.unlink(missing_ok=True)  # imported or refused: the file is not needed again


def _finish(job: ImportJob, *, errors: list, result=None) -> ImportJob:
    job.status = ImportJob.Status.DONE  # a file with errors is a finished check too
    job.progress = 100
    job.errors = errors[:MAX_REPORTED_ERRORS]
    job.error_count = len(errors)
    if result is not None:
        job.result = {k: v for k, v in dataclasses.asdict(result).items() if k != "touched"}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "errors", "error_count", "result", "lines", "finished_at"])
    return job
