"""What the municipality configures: target groups, versioned rule sets and their contact rules.

The shipped statutory data lives in `catalogue/data/rules.json` and is installed by a data
migration; admins edit it from there with full history (django-simple-history).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalogue import rulebook
from catalogue.labels import label_choices, target_group_name


class TargetGroup(models.Model):
    class Generation(models.TextChoices):
        PRE_2027 = "pre-2027", _("Før 2027 (13 målgrupper)")
        NEW_2027 = "2027", _("Fra 2027 (5 målgrupper)")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    legal_basis = models.CharField(_("lovgrundlag"), max_length=300, blank=True)
    benefits = models.CharField(_("ydelser"), max_length=300, blank=True)
    generation = models.CharField(_("regelgeneration"), max_length=10, choices=Generation.choices)
    provisional = models.BooleanField(_("foreløbig"), default=False)
    closed_from = models.DateField(
        _("lukket for nye forløb fra"),
        null=True,
        blank=True,
        help_text=_("Nye forløb, der starter denne dag eller senere, afvises; løbende forløb fortsætter."),
    )
    closed_note = models.TextField(_("begrundelse for lukning"), blank=True)
    maps_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mapped_from",
        verbose_name=_("svarer fra 2027 til"),
        help_text=_("Den målgruppe i den nye lov, som borgere i denne gruppe overgår til."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["generation", "code"]
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")

    def __str__(self) -> str:
        return target_group_name(self.name_da, self.name_en)


class RuleSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        ACTIVE = "active", _("Aktiv")
        RETIRED = "retired", _("Udgået")

    class Kind(models.TextChoices):
        STATUTORY = "statutory", _("Lovkrav")
        LOCAL = "local", _("Lokalt serviceniveau")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.STATUTORY)
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("kopieret fra"),
    )
    note = models.TextField(_("note"), blank=True)
    provisional = models.BooleanField(_("foreløbig"), default=False)
    illustrative = models.BooleanField(_("illustrativ"), default=False)
    transition = models.CharField(
        _("overgangsregel"),
        max_length=20,
        choices=rulebook.TRANSITION_LABELS,
        default="deadline",
        help_text=_(
            "Hvad der sker med forløb, der er i gang, når regelsættet træder i kraft (foreløbig politik, "
            "hvor kilderne er tavse). Vises i forklaringen af de berørte krav."
        ),
    )
    transition_note = models.TextField(_("overgangsregel, forklaring"), blank=True)
    disabled_for_teams = models.ManyToManyField(
        "jobcenter.Team",
        blank=True,
        related_name="+",
        verbose_name=_("slået fra for teams"),
        help_text=_("Kun lokalt serviceniveau: teams, hvor regelsættets krav ikke gælder."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "code"]
        verbose_name = _("regelsæt")
        verbose_name_plural = _("regelsæt")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="ruleset_valid_to_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def overlapping_active_statutory(self) -> models.QuerySet["RuleSet"]:
        """Other active statutory sets whose validity overlaps this set's (None = open-ended)."""
        others = RuleSet.objects.filter(kind=self.Kind.STATUTORY, status=self.Status.ACTIVE)
        others = others.exclude(pk=self.pk)
        others = others.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            others = others.filter(valid_from__lte=self.valid_to)
        return others

    @staticmethod
    def overlap_message(other: "RuleSet") -> str:
        until = f"{other.valid_to:%d.%m.%Y}" if other.valid_to else "uden slutdato"
        return (
            f"Gyldighedsperioden overlapper det aktive lovkrav '{other.code}' "
            f"({other.valid_from:%d.%m.%Y} – {until}). Sæt det udgået eller ret perioden først."
        )

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Gyldig til ligger før gyldig fra.")})
        if self.valid_from and self.status == self.Status.ACTIVE and self.kind == self.Kind.STATUTORY:
            overlaps = [self.overlap_message(o) for o in self.overlapping_active_statutory()]
            if overlaps:
                raise ValidationError({"valid_from": overlaps})


class ContactRule(models.Model):
    """One contact requirement of a rule set for one target group (see Part A.2 of the domain doc)."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("regelsæt")
    )
    # Shipped codes are "<group>.<rule>", so a dot is allowed besides the slug characters.
    code = models.CharField(
        _("kode"),
        max_length=80,
        db_index=True,
        validators=[
            RegexValidator(
                r"^[-a-zA-Z0-9_.]+$",
                _("Koden må kun indeholde bogstaver, cifre, punktum, understreg og bindestreg."),
            )
        ],
    )
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, related_name="rules", verbose_name=_("målgruppe")
    )
    kind = models.CharField(_("kontaktform"), max_length=30, choices=label_choices(rulebook.KIND_LABELS))
    count = models.PositiveSmallIntegerField(_("antal"), default=1)
    window_from_months = models.PositiveSmallIntegerField(_("vindue fra (måned)"), default=0)
    window_to_months = models.PositiveSmallIntegerField(_("vindue til (måned)"), null=True, blank=True)
    first_deadline_days = models.PositiveSmallIntegerField(
        _("frist for første kontakt (dage)"), null=True, blank=True
    )
    recurring_every_months = models.PositiveSmallIntegerField(
        _("gentages hver (måneder)"),
        null=True,
        blank=True,
        help_text=_(
            "Faste perioder: periodens længde. Rullende: højst så mange måneder mellem to kontakter."
        ),
    )
    cadence = models.CharField(
        _("opgørelse"), max_length=10, choices=rulebook.CADENCE_LABELS, default="window"
    )
    applies_when = models.CharField(
        _("gælder for"), max_length=20, choices=rulebook.APPLIES_WHEN_LABELS, default="always"
    )
    performed_by = models.CharField(
        _("udføres af"), max_length=10, choices=label_choices(rulebook.PERFORMER_LABELS), default="kommune"
    )
    channels = models.JSONField(_("kanaler der tæller"), default=list)
    quota_pct = models.PositiveSmallIntegerField(
        _("kvote (% af kohorten)"), default=100, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    exemptable = models.BooleanField(_("kan fritages (25 %-reglen)"), default=False)
    legal_reference = models.CharField(_("lovhenvisning"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    provisional = models.BooleanField(_("foreløbig"), default=False)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_set", "target_group", "position", "code"]
        verbose_name = _("kontaktregel")
        verbose_name_plural = _("kontaktregler")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="contactrule_unique_code_per_set"),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        """The self-contradictions of ``rulebook.validate_rule``, each next to its field."""
        super().clean()
        from catalogue.rulebook import rule_field_errors
        from catalogue.services import contact_rule_spec

        if not isinstance(self.channels, list) or not all(isinstance(c, str) for c in self.channels):
            raise ValidationError({"channels": _("Kanaler skal være en liste af kanalkoder.")})
        errors: dict[str, list[str]] = {}
        for field, message in rule_field_errors(contact_rule_spec(self)):
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)


# --- Economy: cost assumptions, the reduction and investment catalogues ----------------------
# Sources and demo values: shared/domain/reform-rules.md Part A.1 (Kalundborg) and A.3 (unit costs).


class CostAssumption(models.Model):
    """One dated unit-cost assumption with its source. The value in force on a date is the newest
    one with valid_from on or before it (per key, kind, channel and target group)."""

    class Key(models.TextChoices):
        MINUTES_PER_CONTACT = "minutes_per_contact", _("Minutter pr. kontakt (selve samtalen)")
        PREP_MINUTES = "prep_minutes", _(
            "Minutter omkring hver kontakt (forberedelse, registrering, transport)"
        )
        IN_PERSON_SHARE = "in_person_share", _("Andel fremmøde, hvor kanalen er valgfri (%)")
        TALK_SHARE = "talk_share", _("Andel af sagsbehandlingstiden til samtaler inkl. forberedelse (%)")
        PRODUCTIVE_HOURS = "productive_hours_per_fte", _("Produktive timer pr. årsværk pr. år")
        FTE_COST = "fte_cost", _("Årlig pris for et sagsbehandlerårsværk (kr.)")
        BENEFIT_COST = "benefit_cost", _("Årlig ydelse pr. helårsmodtager (kr.)")

    key = models.CharField(_("antagelse"), max_length=40, choices=Key.choices)
    kind = models.CharField(
        _("kontaktform"),
        max_length=30,
        blank=True,
        choices=label_choices(rulebook.KIND_LABELS),
        help_text=_("Tom = alle kontaktformer."),
    )
    channel = models.CharField(
        _("kanal"), max_length=20, blank=True, choices=label_choices(rulebook.CHANNEL_LABELS)
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("målgruppe"),
    )
    value = models.DecimalField(_("værdi"), max_digits=14, decimal_places=2)
    valid_from = models.DateField(_("gælder fra"))
    source = models.CharField(_("kilde"), max_length=300)
    provisional = models.BooleanField(_("foreløbig"), default=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key", "kind", "channel", "target_group", "-valid_from"]
        verbose_name = _("omkostningsantagelse")
        verbose_name_plural = _("omkostningsantagelser")

    def __str__(self) -> str:
        parts = [self.get_key_display()]
        if self.kind:
            parts.append(self.get_kind_display())
        if self.channel:
            parts.append(self.get_channel_display())
        if self.target_group_id:
            parts.append(str(self.target_group))
        return f"{' · '.join(parts)}: {self.value} (fra {self.valid_from:%d.%m.%Y})"

    PERCENT_KEYS = ("in_person_share", "talk_share")

    def clean(self) -> None:
        super().clean()
        if self.key in self.PERCENT_KEYS and self.value is not None and not 0 <= self.value <= 100:
            raise ValidationError({"value": _("En andel skal ligge mellem 0 og 100 %.")})
        if self.key == self.Key.PREP_MINUTES and self.kind:
            raise ValidationError(
                {"kind": _("Minutter omkring kontakten gælder pr. kanal, ikke pr. kontaktform.")}
            )


class MunicipalRequirement(models.Model):
    """The municipality's total reduction requirement for a budget year."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    specified = models.DecimalField(_("specificeret reduktion (kr.)"), max_digits=14, decimal_places=0)
    unspecified = models.DecimalField(_("uspecificeret reduktion (kr.)"), max_digits=14, decimal_places=0)
    source = models.CharField(_("kilde"), max_length=300)
    illustrative = models.BooleanField(_("illustrativ"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("reduktionskrav")
        verbose_name_plural = _("reduktionskrav")

    def __str__(self) -> str:
        return f"{self.year}: {self.total}"

    @property
    def total(self):
        return self.specified + self.unspecified


class Initiative(models.Model):
    """One line of the reduction catalogue (udmøntningskatalog)."""

    class Category(models.TextChoices):
        SPECIFIED = "specified", _("Specificeret")
        UNSPECIFIED = "unspecified", _("Uspecificeret")

    class Type(models.TextChoices):
        RULE_SIMPLIFICATION = "rule_simplification", _("Regelforenkling og færre proceskrav")
        SERVICE_LEVEL = "service_level", _("Lokal tilpasning af serviceniveau")
        EFFICIENCY = "efficiency", _("Effektivisering af opgaveløsning og rammer")
        TASK_STOP = "task_stop", _("Opgaver der ophører")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("I gang")
        REALISED = "realised", _("Realiseret")
        DROPPED = "dropped", _("Opgivet")

    class Risk(models.TextChoices):
        LOW = "low", _("Lav")
        MEDIUM = "medium", _("Middel")
        HIGH = "high", _("Høj")

    class Realisation(models.TextChoices):
        RULE_SET_CHANGE = "rule_set_change", _("Regelsætsskift (beregnet)")
        MANUAL = "manual", _("Manuelt skøn")

    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    category = models.CharField(_("kategori"), max_length=12, choices=Category.choices)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    target_2026 = models.DecimalField(_("mål 2026 (kr.)"), max_digits=14, decimal_places=0, default=0)
    target_2027 = models.DecimalField(_("mål 2027 (kr.)"), max_digits=14, decimal_places=0, default=0)
    target_2028 = models.DecimalField(_("mål 2028 (kr.)"), max_digits=14, decimal_places=0, default=0)
    target_2029 = models.DecimalField(_("mål 2029 (kr.)"), max_digits=14, decimal_places=0, default=0)
    owner = models.CharField(_("ansvarlig"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    risk_rating = models.CharField(_("risiko"), max_length=6, choices=Risk.choices, default=Risk.MEDIUM)
    risk_text = models.TextField(_("risikobeskrivelse"), blank=True)
    realisation = models.CharField(
        _("realiseres ved"), max_length=20, choices=Realisation.choices, default=Realisation.MANUAL
    )
    from_rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fra regelsæt"),
    )
    to_rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("til regelsæt"),
    )
    manual_estimate = models.DecimalField(
        _("manuelt skøn pr. år (kr.)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    affected_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("berørt målgruppe"),
    )
    illustrative = models.BooleanField(_("illustrativ"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("tiltag i udmøntningskataloget")
        verbose_name_plural = _("udmøntningskatalog")

    def __str__(self) -> str:
        return self.title

    def target(self, year: int):
        return getattr(self, f"target_{year}", 0)


class Investment(models.Model):
    """One line of the investment catalogue: a yearly cost against fewer full-time recipients."""

    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    yearly_cost = models.DecimalField(_("årlig udgift (kr.)"), max_digits=14, decimal_places=0)
    start_year = models.PositiveSmallIntegerField(_("første år"), default=2026)
    target_group = models.ForeignKey(
        TargetGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("målgruppe")
    )
    fewer_recipients = models.DecimalField(
        _("færre helårsmodtagere"),
        max_digits=8,
        decimal_places=1,
        help_text=_("Forventet fald i antal helårsmodtagere, når effekten er fuldt indfaset."),
    )
    effect_from = models.DateField(_("effekt fra"))
    illustrative = models.BooleanField(_("illustrativ"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("investering")
        verbose_name_plural = _("investeringskatalog")

    def __str__(self) -> str:
        return self.title
