from django.db import migrations

BODY = """Kære {{ borger }}

Du er indkaldt til {{ kontaktform|lower }} med jobcentret.

Tidspunkt: {{ tidspunkt }} ({{ varighed }} minutter)
Form: {{ kanal }}
{{ sted }}

Din sagsbehandler er {{ sagsbehandler }}.

Samtalen holdes efter {{ hjemmel }}. Den skal holdes senest {{ frist }}.

Med venlig hilsen
{{ jobcenter }}"""

ABSENCE = (
    "Hvis du ikke deltager i samtalen uden en rimelig grund, kan det få betydning for din ydelse. "
    "Jobcentret vurderer i så fald din sag konkret, og du får mulighed for at forklare, hvorfor "
    "du ikke deltog, før der træffes en afgørelse."
)
REBOOK = (
    "Kan du ikke komme på tidspunktet, skal du kontakte din sagsbehandler hurtigst muligt og "
    "senest dagen før, så I kan aftale en ny tid. Du kan også flytte tiden via Jobnet."
)


def add_template(apps, schema_editor):
    SummonsTemplate = apps.get_model("planning", "SummonsTemplate")
    if not SummonsTemplate.objects.exists():
        SummonsTemplate.objects.create(
            name="Standardindkaldelse",
            subject="Indkaldelse til {{ kontaktform|lower }} {{ tidspunkt }}",
            body=BODY,
            absence_text=ABSENCE,
            rebook_text=REBOOK,
        )


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_bookings")]
    operations = [migrations.RunPython(add_template, migrations.RunPython.noop)]
