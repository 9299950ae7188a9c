"""PostgreSQL-only worklist indexes. The descending sorts by due date and by days in course keep
citizens without a date last, which an index reads only if built ``DESC NULLS LAST`` (SQLite has
no NULLS LAST in an index). The worklist's name search (``citizens.selectors.SearchName``) gets a trigram index on
PostgreSQL, and statistics on the same expression so that the planner knows how many citizens a
name matches (without them it guessed 21 rows for a name 7,105 of the team's citizens have, and
read every match instead of the first page). pg_trgm is a trusted extension: the database's owner
needs no superuser. On SQLite nothing happens (no such index type; the search works unindexed)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from citizens.pg_only import postgresql_only

EXPRESSION = "(UPPER((first_name || ' ' || last_name)))"

FORWARD = [
    'CREATE INDEX citizen_active_due_desc ON citizens_citizen (team_id, next_due DESC NULLS LAST, last_name, id) '
    "WHERE anonymised_at IS NULL",
    "CREATE INDEX citizen_active_start_desc ON citizens_citizen (team_id, current_start DESC NULLS LAST, id) "
    "WHERE anonymised_at IS NULL",
    f"CREATE INDEX citizen_active_name_trgm ON citizens_citizen USING gin ({EXPRESSION} gin_trgm_ops) "
    "WHERE anonymised_at IS NULL",
    f"CREATE STATISTICS citizen_search_name ON {EXPRESSION} FROM citizens_citizen",
    "ANALYZE citizens_citizen",
]
BACKWARD = [
    "DROP STATISTICS IF EXISTS citizen_search_name",
    "DROP INDEX IF EXISTS citizen_active_name_trgm",
    "DROP INDEX IF EXISTS citizen_active_start_desc",
    "DROP INDEX IF EXISTS citizen_active_due_desc",
]


class Migration(migrations.Migration):
    dependencies = [("citizens", "0007_worklist_sort_indexes")]

    operations = [
        TrigramExtension(),
        postgresql_only(FORWARD, BACKWARD),
    ]
