"""Admins: upload a caseload file, follow its check (dry run) as a Celery job, confirm the import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens import import_jobs
from citizens.forms import ImportForm
from citizens.models import ImportJob
from jobcenter.perms import is_admin


def _admin(request) -> None:
    if not is_admin(request.user):
        raise PermissionDenied


def upload(request):
    """The file is stored privately and checked by a worker; the page then follows the job."""
    _admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = import_jobs.store_upload(upload)
        job = import_jobs.start(user=request.user, name=upload.name, token=token, commit=False)
        return redirect("citizens:import_job", pk=job.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "citizens/import.html", {"form": form}, status=status)


def job(request, pk: int):
    _admin(request)
    job = get_object_or_404(ImportJob, pk=pk)
    partial = request.headers.get("HX-Request")
    template = "citizens/_import_job.html" if partial else "citizens/import_job.html"
    return render(request, template, {"job": job})


@require_POST
def confirm(request, pk: int):
    """Import the file of a clean dry run, as a new job (one transaction: all or nothing)."""
    _admin(request)
    checked = get_object_or_404(ImportJob, pk=pk, commit=False)
    if not checked.ok or not (import_jobs.IMPORT_DIR / checked.token).exists():
        messages.error(request, _("Den prøvekørte fil er udløbet eller har fejl. Upload den igen."))
        return redirect("citizens:import")
    if ImportJob.objects.filter(token=checked.token, commit=True).exists():  # a second click
        return redirect("citizens:import_job", pk=ImportJob.objects.get(token=checked.token, commit=True).pk)
    job = import_jobs.start(user=request.user, name=checked.name, token=checked.token, commit=True)
    return redirect("citizens:import_job", pk=job.pk)
