"""Who the municipality serves and what happened: citizens, enrolments, contacts, obligations.

Obligations are derived by the pure engine in `citizens/obligations.py`; the open ones and each
citizen's next due date are stored so that worklists can filter and sort on them in SQL.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue import rulebook
from catalogue.labels import label_choices
from catalogue.models import TargetGroup
from citizens import input_checks
from citizens.cpr import mask_cpr
from jobcenter.models import StaffMember, Team

STATUS_CHOICES = label_choices(rulebook.STATUS_LABELS)
KIND_CHOICES = label_choices(rulebook.KIND_LABELS)  # named enum in the OpenAPI schema


def active(name: str, *fields: str) -> models.Index:
    """An index over the citizens a worklist can list (not anonymised)."""
    return models.Index(fields=list(fields), condition=models.Q(anonymised_at__isnull=True), name=name)


class Citizen(models.Model):
    # Derived from the current enrolment's obligations by citizens.refresh; never edited by hand.
    SUMMARY_FIELDS = (
        "current_target_group",
        "current_start",
        "next_due",
        "next_status",
        "next_label",
        "last_contact",
    )

    cpr = models.CharField(_("CPR-nummer"), max_length=10, unique=True)
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="citizens", verbose_name=_("team"))
    caseworker = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizens",
        verbose_name=_("sagsbehandler"),
    )
    # Optimistic locking: every edit bumps the version; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    # Denormalised from the current enrolment's obligations, for worklists (sorted in SQL).
    current_target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("målgruppe"),
    )
    current_start = models.DateField(_("startdato"), null=True, blank=True)
    next_due = models.DateField(_("næste frist"), null=True, blank=True)
    next_status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, blank=True)
    next_label = models.CharField(_("næste krav"), max_length=200, blank=True)
    last_contact = models.DateField(_("seneste kontakt"), null=True, blank=True)
    # When the engine must run again for this citizen although nothing was entered (a course
    # starts or ends, a new period opens, a deadline passes); NULL = inputs changed, run it next.
    # Set by citizens.refresh only.
    recompute_on = models.DateField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        indexes = [
            models.Index(fields=["team", "next_due"], name="citizen_team_due"),
            models.Index(fields=["caseworker", "next_due"], name="citizen_cw_due"),
            models.Index(fields=["team", "next_status", "next_due"], name="citizen_team_status_due"),
            models.Index(fields=["recompute_on"], name="citizen_recompute_on"),
            # Every worklist sort of one team, both ways, reads its page from one of these (the
            # selector passes the team ids as literals; EXPLAIN at 1M: 0.1-1 ms instead of sorting
            # the largest team, 214,667 citizens). Each ends in the id, the sorts' last tie-break.
            active("citizen_active_name", "team", "last_name", "first_name", "id"),
            active("citizen_active_due", "team", "next_due", "last_name", "id"),
            active("citizen_active_status", "team", "next_status", "next_due", "id"),
            active("citizen_active_start", "team", "current_start", "id"),
            active("citizen_active_contact", "team", "last_contact", "id"),
            # Sorting by target group or caseworker: per value, in the default order (worklist_order).
            active("citizen_active_group", "team", "current_target_group", "next_due", "last_name", "id"),
            active("citizen_active_cw", "team", "caseworker", "next_due", "last_name", "id"),
            # PostgreSQL only (migration 0008; SQLite has no NULLS LAST in an index): the descending
            # due date and days in course with citizens without one last, and the name search's
            # trigram index.
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_cpr(self) -> str:
        return mask_cpr(self.cpr)


class Enrolment(models.Model):
    """A citizen in a target group from a date. A transfer ends one enrolment and starts another."""

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("borger")
    )
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("målgruppe")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"), null=True, blank=True)
    exempt = models.BooleanField(_("fritaget (25 %-reglen)"), default=False)
    exempt_reason = models.TextField(_("begrundelse for fritagelse"), blank=True)
    exempt_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fritaget af"),
    )
    work_obligation = models.BooleanField(_("arbejdspligt"), default=False)
    short_absence = models.BooleanField(
        _("forventet fravær under 26 uger"),
        default=False,
        help_text=_(
            "Sygemeldt med job: arbejdsgiver og medarbejder forventer begge fravær under 26 uger. "
            "Så er der som udgangspunkt ingen kommunale opfølgningssamtaler (lov nr. 1750)."
        ),
    )
    next_due = models.DateField(_("næste frist"), null=True, blank=True)
    next_status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, blank=True)

    class Meta:
        ordering = ["citizen", "start"]
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        indexes = [models.Index(fields=["target_group", "start"], name="enrolment_group_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="enrolment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.citizen}: {self.target_group} fra {self.start:%d.%m.%Y}"


class Contact(models.Model):
    class Outcome(models.TextChoices):
        HELD = "held", _("Afholdt")
        ABSENT = "absent", _("Udeblevet")
        CANCELLED = "cancelled", _("Aflyst")

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("borger")
    )
    date = models.DateField(_("dato"))
    kind = models.CharField(_("kontaktform"), max_length=30, choices=label_choices(rulebook.KIND_LABELS))
    channel = models.CharField(_("kanal"), max_length=20, choices=label_choices(rulebook.CHANNEL_LABELS))
    performed_by = models.CharField(
        _("udført af"), max_length=10, choices=label_choices(rulebook.PERFORMER_LABELS), default="kommune"
    )
    held_by = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts_held",
        verbose_name=_("holdt af"),
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutter"), default=45, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    outcome = models.CharField(_("udfald"), max_length=10, choices=Outcome.choices, default=Outcome.HELD)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the contact form (one key per opened form): a double submit stores one row.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Minutes when none are given, by channel (the same rule as the import's: citizens/input_checks.py).
    DEFAULT_MINUTES = input_checks.DEFAULT_MINUTES

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        indexes = [models.Index(fields=["citizen", "date"], name="contact_citizen_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"


class Obligation(models.Model):
    """An open obligation of an enrolment, as the engine last computed it."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="obligations")
    rule_set = models.CharField(_("regelsæt"), max_length=40)
    rule = models.CharField(_("regel"), max_length=80)
    kind = models.CharField(_("kontaktform"), max_length=30)
    number = models.PositiveSmallIntegerField(_("nummer"))
    of = models.PositiveSmallIntegerField(_("af"))
    earliest = models.DateField(_("tidligst"))
    latest = models.DateField(_("senest"))
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES)
    performed_by = models.CharField(_("udføres af"), max_length=10)
    explanation = models.TextField(_("forklaring"))
    # From a local rule set (lokalt serviceniveau) rather than a statutory one (lovkrav).
    local = models.BooleanField(_("lokalt serviceniveau"), default=False)

    class Meta:
        ordering = ["latest", "rule", "number"]
        verbose_name = _("kontaktkrav")
        verbose_name_plural = _("kontaktkrav")
        indexes = [models.Index(fields=["status", "latest"], name="obligation_status_latest")]

    def __str__(self) -> str:
        return f"{self.rule} {self.number}/{self.of}"


class AuditEvent(models.Model):
    """Who saw or changed what about a citizen, and when. Never edited, never deleted by the app."""

    class Action(models.TextChoices):
        VIEW = "view", _("Visning")
        REVEAL_CPR = "reveal_cpr", _("CPR vist")
        CREATE = "create", _("Oprettet")
        UPDATE = "update", _("Ændret")
        CONTACT = "contact", _("Kontakt registreret")
        EXPORT = "export", _("Eksport")
        REASSIGN = "reassign", _("Omfordelt")

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("bruger"),
    )
    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("borger"),
    )
    action = models.CharField(_("handling"), max_length=20, choices=Action.choices)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("logpost")
        verbose_name_plural = _("adgangslog")

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.action}"


class ImportJob(models.Model):
    """One check (dry run) or import of an uploaded caseload file, run by a Celery worker
    (citizens/import_jobs.py). The file waits privately in KONTAKTPLAN_IMPORT_DIR under `token`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Kører")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(_("fil"), max_length=255)
    token = models.CharField(max_length=64)
    commit = models.BooleanField(_("gem"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    lines = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[row, column, message], ...], at most 500
    error_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # the importer's Result as a dict
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def ok(self) -> bool:
        return self.status == self.Status.DONE and not self.error_count
