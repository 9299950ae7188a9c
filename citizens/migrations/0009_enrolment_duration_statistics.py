"""PostgreSQL-only statistics on an enrolment's duration per target group, so the planner knows
that ``GROUP BY target_group_id, "end" - start`` (the ended enrolments of
``forecast_inputs.flows_on``) has some thousands of groups: without them it guessed 126,704 and
sorted 660,000 rows on disk instead of hashing them. On SQLite nothing happens."""

from django.db import migrations

from citizens.pg_only import postgresql_only

FORWARD = [
    'CREATE STATISTICS enrolment_group_duration (ndistinct) ON target_group_id, ("end" - start) '
    "FROM citizens_enrolment",
    "ANALYZE citizens_enrolment",
]
BACKWARD = ["DROP STATISTICS IF EXISTS enrolment_group_duration"]


class Migration(migrations.Migration):
    dependencies = [("citizens", "0008_postgresql_worklist_indexes")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
