"""Issue 11's rule data: rolling yearly contacts, the first talk in person, the sick-benefit flag,
closed schemes, transition policies and one illustrative local service level.

Only the changed parts of the shipped data are touched, so an admin's other edits stay.
"""

from django.db import migrations

CHANGED_RULES = (
    ("lab-2024", "sygedagpenge.foerste-opfoelgningssamtale"),
    ("lab-2024", "sygedagpenge.opfoelgningssamtaler-0-6-mdr"),
    ("reform-2026", "dagpenge.akasse-foerste-jobsamtale"),
    ("reform-2026", "dagpenge.akasse-jobsamtaler"),
    ("reform-2026", "kh-aktivitetsparat.foerste-jobsamtale"),
    ("reform-2026", "kh-aktivitetsparat.kontakt-hver-12-mdr"),
    ("reform-2026", "uh-aktivitetsparat.foerste-jobsamtale"),
    ("reform-2026", "uh-aktivitetsparat.kontakt-hver-12-mdr"),
    ("reform-2026", "sygedagpenge.opfoelgningssamtale-0-6-mdr"),
    ("lab-2027", "dagpengeindsats.akasse-foerste-jobsamtale"),
    ("lab-2027", "dagpengeindsats.akasse-jobsamtaler"),
    ("lab-2027", "jobhjaelp.foerste-jobsamtale"),
    ("lab-2027", "jobhjaelp.kontakt-hver-12-mdr"),
    ("lab-2027", "sygedagpengeindsats.opfoelgningssamtale-0-6-mdr"),
)


def forward(apps, schema_editor):
    from catalogue.loader import sync_shipped
    from catalogue.rulebook import load_rulebook

    ContactRule = apps.get_model("catalogue", "ContactRule")
    # Rules that recur were fixed periods before the admin could choose.
    ContactRule.objects.filter(recurring_every_months__isnull=False).update(cadence="fixed")
    sync_shipped(
        load_rulebook(),
        TargetGroup=apps.get_model("catalogue", "TargetGroup"),
        RuleSet=apps.get_model("catalogue", "RuleSet"),
        ContactRule=ContactRule,
        group_fields=("closed_from", "closed_note"),
        set_fields=("transition", "transition_note"),
        rules=CHANGED_RULES,
        whole_sets=("lokal-jobparat-3-mdr",),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_rule_cadence_local_layers_transitions")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
