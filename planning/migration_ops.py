"""Migration operations that exist only on PostgreSQL (SQLite checks overlaps in the service)."""

from django.db import migrations


class AddPostgresConstraint(migrations.AddConstraint):
    """AddConstraint that touches the schema only on PostgreSQL (exclusion constraints)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
