"""Caseworker pages. Thin: access through selectors, writes through services, rules in the engine."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from catalogue.models import TargetGroup
from catalogue.selectors import current_rulebook
from citizens import audit_text, selectors, services
from citizens.audit import audit_citizens_shown
from citizens.audit_filters import AuditEventFilter
from citizens.filters import WorklistFilter
from citizens.forms import (
    AssignForm,
    CitizenCreateForm,
    CitizenEditForm,
    ContactForm,
    ExemptForm,
    ReassignForm,
    TransferForm,
)
from citizens.models import AuditEvent, Citizen
from citizens.obligations import SHORT_ABSENCE_NOTE, evaluate
from citizens.refresh import contact_facts, enrolment_facts, obligation_label
from citizens.tables import WorklistTable
from jobcenter import exports
from jobcenter.hardening import bad_request_page, page_size
from jobcenter.perms import is_admin, is_team_leader_or_admin, staff_member_of
from jobcenter.table_export import table_values
from planning.selectors import with_booking

PAGE_SIZE = 50


def _is_id(text: str) -> bool:
    """A database id as typed in a URL or form: plain ASCII digits that fit a bigint."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- worklist -------------------------------------------------------------------------------


def _worklist_filter(request, data) -> WorklistFilter:
    visible = selectors.citizen_list_for(request.user).select_related(
        "current_target_group", "caseworker__user"
    )
    visible = with_booking(visible)  # planned talks column (planning)
    return WorklistFilter(
        data or None,
        queryset=visible,
        caseworkers=selectors.caseworkers_visible_to(request.user),
        staff_member=staff_member_of(request.user),
    )


def _worklist_count_after_save(request) -> int | None:
    """How many rows the worklist the form was opened from now shows (its filters are in the URL)."""
    current = request.htmx.current_url if request.htmx else None
    if not current:
        return None
    return _worklist_filter(request, QueryDict(urlsplit(current).query)).qs.count()


def _logged_filters(filters: WorklistFilter, params) -> dict:
    """The filters as the audit log keeps them: a CPR number searched for is masked."""
    logged = params.dict()
    logged.pop("_export", None)
    if filters.search is not None:
        logged["q"] = filters.search.for_log
    return logged


def worklist(request):
    filters = _worklist_filter(request, request.GET)
    table = WorklistTable(filters.qs)
    export_format = request.GET.get("_export")
    if export_format in ("csv", "xlsx"):
        RequestConfig(request, paginate=False).configure(table)
        services.audit_log(
            user=request.user,
            citizen=None,
            action=AuditEvent.Action.EXPORT,
            details={
                "format": export_format,
                "filters": _logged_filters(filters, request.GET),
                "rows": filters.qs.count(),
            },
        )
        values = table_values(table)  # as table.as_values(): the header row, then typed values
        return exports.export_response(export_format, "arbejdsliste", next(values), values)
    try:
        per_page = page_size(request.GET.get("per_page"), PAGE_SIZE)
    except ValueError:
        return bad_request_page(request, _("Antal pr. side skal være et helt tal fra 1 til 500."))
    table.per_page_field = "_per_page_checked"  # the checked value above, not the raw parameter
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    shown = [row.record.pk for row in table.page.object_list]
    details = {"page": "worklist", "filters": _logged_filters(filters, request.GET)}
    if filters.search is not None:
        details["search"] = filters.search.kind
    if shown:
        audit_citizens_shown(user=request.user, citizen_ids=shown, details=details)
    elif filters.search is not None:  # a search that finds nothing is a read too: who looked for whom
        services.audit_log(
            user=request.user,
            citizen=None,
            action=AuditEvent.Action.VIEW,
            details={**details, "citizens": []},
        )
    context = {
        "filter": filters,
        "table": table,
        "query": request.GET.urlencode(),
        "week_end": filters.week_end,
        "empty_reasons": filters.empty_reasons() if not table.paginator.count else [],
    }
    if request.htmx and request.htmx.target == "worklist-results":
        return render(request, "citizens/_worklist_results.html", context)
    return render(request, "citizens/worklist.html", context)


# --- contact registration -------------------------------------------------------------------


def contact_create(request, pk: int):
    citizen = selectors.citizen_get_for(request.user, pk)
    source = request.GET.get("from") or request.POST.get("from") or "citizen"
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_register(user=request.user, citizen=citizen, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            citizen.refresh_from_db()
            message = _("Kontakten den %(date)s er registreret for %(name)s.") % {
                "date": contact.date.strftime("%d.%m.%Y"),
                "name": citizen.full_name,
            }
            if request.htmx and source == "citizen":
                # The citizen page shows every obligation: reload it so they are all current.
                messages.success(request, message)
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("citizens:detail", args=[citizen.pk])
                return response
            if request.htmx:
                row_table = WorklistTable(
                    with_booking(Citizen.objects.filter(pk=citizen.pk)).select_related(
                        "current_target_group", "caseworker__user"
                    )
                )
                context = {
                    "message": message,
                    "citizen": citizen,
                    "row": row_table.rows[0],
                    "source": source,
                    "count": _worklist_count_after_save(request) if source == "worklist" else None,
                }
                return render(request, "citizens/_contact_saved.html", context)
            messages.success(request, message)
            return redirect("citizens:detail", pk=citizen.pk)
    services.audit_log(
        user=request.user, citizen=citizen, action=AuditEvent.Action.VIEW, details={"page": "contact"}
    )
    template = "citizens/_contact_form.html" if request.htmx else "citizens/contact_form.html"
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, "citizen": citizen, "source": source}, status=status)


# --- citizen page ---------------------------------------------------------------------------


def citizen_detail(request, pk: int):
    citizen = selectors.citizen_get_for(request.user, pk)
    services.audit_log(user=request.user, citizen=citizen, action=AuditEvent.Action.VIEW)
    enrolments = list(
        citizen.enrolments.select_related("target_group", "exempt_decided_by").order_by("-start")
    )
    contacts = list(citizen.contacts.select_related("held_by__user").order_by("-date", "-id"))
    book = current_rulebook()
    today = timezone.localdate()
    facts = [
        contact_facts(
            {
                "id": c.id,
                "date": c.date,
                "kind": c.kind,
                "channel": c.channel,
                "performed_by": c.performed_by,
                "outcome": c.outcome,
            }
        )
        for c in contacts
    ]
    obligations = []
    for enrolment in enrolments:  # upcoming ones too: their obligations are on the worklist already
        obligations.append(
            (enrolment, evaluate(book, enrolment_facts(enrolment, enrolment.target_group.code), facts, today))
        )
    current = services.enrolment_running_on(enrolments, today)
    waived = [
        (enrolment, [(obligation_label(o), o.latest) for o in items if o.status == "waived"])
        for enrolment, items in obligations
        if enrolment.exempt
    ]
    context = {
        "exempt_blocker": services.exemption_blocker(current, today),
        "waived": waived,
        "citizen": citizen,
        "enrolments": enrolments,
        "current": current,
        "contacts": contacts,
        "obligations": obligations,
        "contact_form": ContactForm(),  # the other actions have pages of their own
        "exemption": services.exemption_usage_for_display(today),
        "short_absence_note": SHORT_ABSENCE_NOTE,
    }
    return render(request, "citizens/detail.html", context)


def indsigt(request, pk: int):
    """Everything held about the citizen, printable (data-subject access); audited."""
    citizen = selectors.citizen_get_for(request.user, pk)
    services.audit_log(
        user=request.user, citizen=citizen, action=AuditEvent.Action.EXPORT, details={"kind": "indsigt"}
    )
    data = selectors.citizen_indsigt(citizen)
    set_names = {rs.code: rs.name for rs in current_rulebook().rule_sets}
    obligations = [
        {**o, "label": obligation_label(SimpleNamespace(**o)), "set_name": set_names.get(o["rule_set"], "")}
        for o in data["obligations"]
    ]
    context = {
        "citizen": citizen,
        "data": data,
        "obligations": obligations,
        "today": timezone.localdate(),
        "group_names": dict(TargetGroup.objects.values_list("code", "name_da")),
        "action_names": dict(AuditEvent.Action.choices),
    }
    return render(request, "citizens/indsigt.html", context)


@require_POST
def reveal_cpr(request, pk: int):
    citizen = selectors.citizen_get_for(request.user, pk)
    services.audit_log(user=request.user, citizen=citizen, action=AuditEvent.Action.REVEAL_CPR)
    cpr = f"{citizen.cpr[:6]}-{citizen.cpr[6:]}"
    if request.htmx:
        return HttpResponse(f'<span id="cpr-value" class="kp-cpr">{cpr}</span>')
    # Never in a message: the messages framework may keep it in a cookie. A page of its own,
    # not cached (NoStoreMiddleware).
    return render(request, "citizens/cpr_revealed.html", {"citizen": citizen, "cpr": cpr})


def _action(
    request, pk, form_class, title, apply, success_message, initial=None, context=None, **form_kwargs
):
    """A citizen-page action: validate, call the service, report back next to the field."""
    citizen = selectors.citizen_get_for(request.user, pk)
    form = form_class(request.POST or None, initial=initial(citizen) if initial else None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            apply(citizen, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "Borgeren er blevet ændret af en anden, siden du åbnede siden. "
                    "Dine ændringer er ikke gemt. Genindlæs siden og prøv igen."
                ),
            )
        else:
            messages.success(request, success_message)
            return redirect("citizens:detail", pk=citizen.pk)
    # The form page shows the citizen's data: logged like the citizen page (the write itself is
    # logged by the service).
    services.audit_log(
        user=request.user,
        citizen=citizen,
        action=AuditEvent.Action.VIEW,
        details={"page": request.resolver_match.url_name},
    )
    return render(
        request,
        "citizens/action_form.html",
        {"form": form, "citizen": citizen, "title": title, **(context or {})},
        status=422 if request.method == "POST" else 200,
    )


def transfer(request, pk: int):
    def apply(citizen, data):
        services.enrolment_transfer(user=request.user, citizen=citizen, **data)

    citizen = selectors.citizen_get_for(request.user, pk)
    current = services.enrolment_active_on(citizen)
    return _action(
        request,
        pk,
        TransferForm,
        _("Skift målgruppe"),
        apply,
        _("Målgruppen er skiftet."),
        context={"current": current},
    )


def exempt(request, pk: int):
    citizen = selectors.citizen_get_for(request.user, pk)
    blocker = services.exemption_blocker(services.enrolment_active_on(citizen), timezone.localdate())
    if blocker is not None and request.method == "GET":  # say so before a reason is typed
        messages.error(request, blocker)
        return redirect("citizens:detail", pk=citizen.pk)

    def apply(citizen, data):
        enrolment = services.enrolment_active_on(citizen)
        if enrolment is None:
            raise ValidationError({"reason": _("Borgeren har intet aktivt forløb.")})
        services.enrolment_mark_exempt(user=request.user, enrolment=enrolment, reason=data["reason"])

    return _action(
        request,
        pk,
        ExemptForm,
        _("Fritag (25 %-reglen)"),
        apply,
        _("Borgeren er fritaget efter 25 %-reglen."),
    )


def assign(request, pk: int):
    citizen = selectors.citizen_get_for(request.user, pk)

    def apply(citizen, data):
        services.caseload_reassign(user=request.user, citizens=[citizen], to=data["caseworker"])

    return _action(
        request,
        pk,
        AssignForm,
        _("Tildel sagsbehandler"),
        apply,
        _("Sagsbehandleren er tildelt."),
        caseworkers=selectors.caseworkers_visible_to(request.user).filter(team=citizen.team),
    )


def edit(request, pk: int):
    def apply(citizen, data):
        version = data.pop("version")
        if data["cpr"] == citizen.masked_cpr:
            data.pop("cpr")  # unchanged (the form shows it masked)
        services.citizen_update(user=request.user, citizen=citizen, version=version, **data)

    def initial(citizen):  # the page as served must save as it stands (masked CPR = unchanged)
        return {
            "version": citizen.version,
            "first_name": citizen.first_name,
            "last_name": citizen.last_name,
            "cpr": citizen.masked_cpr,
        }

    return _action(
        request, pk, CitizenEditForm, _("Ret borger"), apply, _("Borgeren er gemt."), initial=initial
    )


def create(request):
    teams = selectors.teams_visible_to(request.user)
    caseworkers = selectors.caseworkers_visible_to(request.user)
    initial = {}
    if len(teams) == 1:  # the only choice is the right one
        initial["team"] = teams[0].pk
    me = staff_member_of(request.user)
    if me is not None and caseworkers.filter(pk=me.pk).exists():
        initial["caseworker"] = me.pk
        initial.setdefault("team", me.team_id)
    form = CitizenCreateForm(request.POST or None, teams=teams, caseworkers=caseworkers, initial=initial)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            citizen = services.citizen_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
            # A duplicate CPR number: offer the way onward when the user may see that citizen.
            cpr = form.data.get("cpr", "")
            context["duplicate_citizen"] = selectors.citizen_with_cpr_for(request.user, cpr)
        else:
            messages.success(request, _("Borgeren er oprettet."))
            return redirect("citizens:detail", pk=citizen.pk)
    return render(request, "citizens/create.html", context, status=422 if request.method == "POST" else 200)


# --- team leaders: reassignment -------------------------------------------------------------


def reassign(request):
    if not is_team_leader_or_admin(request.user):
        raise PermissionDenied
    caseworkers = selectors.caseworkers_visible_to(request.user)
    form = ReassignForm(request.POST or request.GET or None, caseworkers=caseworkers)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        source, target = form.cleaned_data["from_caseworker"], form.cleaned_data["to_caseworker"]
        candidates = (
            selectors.citizen_list_for(request.user)
            .filter(caseworker=source)
            .order_by("last_name", "first_name")
        )
        chosen_ids = [i for i in request.POST.getlist("citizens") if _is_id(i)]
        context.update({"candidates": candidates, "source": source, "target": target})
        audit_citizens_shown(
            user=request.user,
            citizen_ids=candidates.values_list("pk", flat=True),
            details={"page": "reassign", "from": source.pk},
        )
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            chosen = list(candidates.filter(pk__in=chosen_ids)) if chosen_ids else []
            if not chosen:
                form.add_error(None, _("Vælg mindst én borger, der skal flyttes."))
            else:
                try:
                    moved = services.caseload_reassign(user=request.user, citizens=chosen, to=target)
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("%(n)d borgere er flyttet fra %(a)s til %(b)s.")
                        % {"n": moved, "a": source, "b": target},
                    )
                    return redirect(reverse("citizens:reassign"))
        elif request.method == "POST":
            chosen = list(candidates.filter(pk__in=chosen_ids)) if chosen_ids else list(candidates)
            context.update({"confirming": True, "chosen": chosen})
    return render(request, "citizens/reassign.html", context)


# --- admins: the audit log ------------------------------------------------------------------


def audit(request):
    if not is_admin(request.user):
        raise PermissionDenied
    search = AuditEventFilter(request.GET or None, queryset=selectors.audit_events_for(request.user))
    page = Paginator(search.qs, 100).get_page(request.GET.get("page"))
    names = audit_text.names_for(page)
    for event in page:
        event.description = audit_text.describe(event.action, event.details, names)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "citizens/audit.html",
        {"events": page, "page": page, "search": search, "query": params.urlencode()},
    )
