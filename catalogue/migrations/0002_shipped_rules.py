"""Install the shipped statutory rule sets (lab-2024, reform-2026, lab-2027) from rules.json."""

from django.db import migrations


def install(apps, schema_editor):
    from catalogue.loader import install_rulebook
    from catalogue.rulebook import load_rulebook

    install_rulebook(
        load_rulebook(),
        TargetGroup=apps.get_model("catalogue", "TargetGroup"),
        RuleSet=apps.get_model("catalogue", "RuleSet"),
        ContactRule=apps.get_model("catalogue", "ContactRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
