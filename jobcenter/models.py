"""The organisation: teams, staff members with their role, and absences."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)
    leaders = models.ManyToManyField(
        "StaffMember", related_name="led_teams", blank=True, verbose_name=_("teamledere")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Sagsbehandler")
    TEAM_LEADER = "team_leader", _("Teamleder")
    ADMIN = "admin", _("Administrator")


class StaffMember(models.Model):
    """A user's place in the organisation. Role and team decide what the user may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.CASEWORKER)
    weekly_hours = models.DecimalField(
        _("kontraktlige timer pr. uge"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("37.0"),
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    casework_share = models.PositiveSmallIntegerField(
        _("andel til sagsbehandling (%)"),
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_team_leader(self) -> bool:
        return self.role == Role.TEAM_LEADER


class Absence(models.Model):
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="absences", verbose_name=_("medarbejder")
    )
    start = models.DateField(_("fra"))
    end = models.DateField(_("til"))
    reason = models.CharField(_("årsag"), max_length=100, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("fravær")
        verbose_name_plural = _("fravær")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="absence_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


class HealthProbe(models.Model):
    """A row written by the Celery health-check task: proves a worker reached the database."""

    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token


class ForecastSnapshot(models.Model):
    """One run of the workload and cost forecast: its inputs, progress and result (JSON).

    ``key`` is derived from the inputs, so a retried or repeated task writes one snapshot.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Kører")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    key = models.CharField(_("nøgle"), max_length=64, unique=True)
    rule_sets = models.JSONField(_("regelsæt"), default=list)
    on = models.DateField(_("beregningsdato"))
    months = models.PositiveSmallIntegerField(_("måneder"), default=12)
    inflow = models.JSONField(_("månedlig tilgang pr. målgruppe"), default=dict, blank=True)
    assumptions = models.JSONField(_("antagelser"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    result = models.JSONField(_("resultat"), default=dict, blank=True)
    error = models.TextField(_("fejl"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When its job was last sent to the queue (jobcenter/jobs.py re-sends it when lost).
    dispatched_at = models.DateTimeField(_("sendt til køen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prognose")
        verbose_name_plural = _("prognoser")

    def __str__(self) -> str:
        return f"{', '.join(self.rule_sets)} {self.on:%d.%m.%Y} ({self.get_status_display()})"


class ApiTokenUse(models.Model):
    """When and from where an API token was last used (written at most once a minute)."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="use"
    )
    last_used_at = models.DateTimeField(_("senest brugt"))
    last_used_from = models.GenericIPAddressField(_("senest brugt fra"), null=True, blank=True)

    class Meta:
        verbose_name = _("brug af API-nøgle")
        verbose_name_plural = _("brug af API-nøgler")

    def __str__(self) -> str:
        return f"{self.token_id[:8]}… {self.last_used_at:%d.%m.%Y %H:%M}"


class CohortSummary(models.Model):
    """The caseload summarised for the forecast on ``as_of`` (``jobcenter.cohort_summary``), rebuilt
    by the obligation refresh: a few hundred thousand rows instead of a GROUP BY over every
    enrolment joined to its citizen. Plain ids, no foreign keys (it is a derived copy)."""

    class Kind(models.TextChoices):
        RUNNING = "running"  # enrolments running on as_of, per team, caseworker and facts
        ENDED = "ended"  # ended before as_of, per target group and duration in days
        STARTS = "starts"  # starts per target group and month (all up to as_of)
        FIRST = "first"  # the earliest start (how much history the inflow has)

    kind = models.CharField(max_length=8, choices=Kind.choices)
    as_of = models.DateField()
    team_id = models.IntegerField(null=True)
    caseworker_id = models.IntegerField(null=True)
    target_group_id = models.IntegerField()
    start = models.DateField(null=True)
    end = models.DateField(null=True)
    days = models.IntegerField(null=True)
    exempt = models.BooleanField(default=False)
    work_obligation = models.BooleanField(default=False)
    short_absence = models.BooleanField(default=False)
    anonymised = models.BooleanField(default=False)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind"], name="cohort_summary_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.as_of}: {self.n}"


class CohortSample(models.Model):
    """The two contact samples of the forecast on ``as_of``, kept with the cohort summary by the
    refresh (``jobcenter.cohort_summary``): the held-talk sample (enrolments with their held
    contacts, policy 1a) and the timing of talks within their windows (policy 2), the latter for
    the rule book of ``rules_version``; the flows estimated from the summary; and the running
    caseload as columns (``caseload_table.CaseloadTable.to_bytes`` in ``blob``)."""

    class Kind(models.TextChoices):
        HELD = "held"
        TIMING = "timing"
        FLOWS = "flows"  # inflow and exits estimated from the summary
        CASELOAD = "caseload"  # the summary's running rows as columns, read in one piece

    kind = models.CharField(max_length=8, choices=Kind.choices, unique=True)
    as_of = models.DateField()
    rules_version = models.TextField(blank=True)
    data = models.JSONField()
    blob = models.BinaryField(default=b"", editable=False)

    def __str__(self) -> str:
        return f"{self.kind} {self.as_of}"


class EngineRun(models.Model):
    """The obligation engine's results per distinct input for one rule book (``rules_version``),
    rule set and horizon (``run``: ``forecast._engine_cache``'s key), kept by the refresh
    (``jobcenter.cohort_summary.keep_engine``) so a fresh worker's forecast reads them in one row
    instead of running the engine for every input again; and the held shares per rule set and
    horizon (``run`` starting with ``('shares'``, with the token of the caseload they belong to)."""

    rules_version = models.TextField()
    run = models.TextField()
    data = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rules_version", "run"], name="engine_run_unique")]

    def __str__(self) -> str:
        return self.run
