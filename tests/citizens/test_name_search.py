"""The worklist's name search: each word must occur in the first or the last name (any case), and
on PostgreSQL the query is the expression of the trigram index (migration 0008)."""

import re

import pytest
from django.db import connection

from citizens.models import Citizen
from citizens.selectors import Search, citizen_search


@pytest.fixture
def named(teams):
    people = [("Ib", "Hansen"), ("Åse", "Jensen"), ("Anne Marie", "Holm"), ("Bo", "50%_rabat")]
    return {
        f"{first} {last}": Citizen.objects.create(
            cpr=f"030303{i:04d}", first_name=first, last_name=last, team=teams[0]
        )
        for i, (first, last) in enumerate(people)
    }


def found(text: str) -> set[str]:
    return {c.full_name for c in citizen_search(Citizen.objects.all(), Search("name", text))}


def test_each_word_in_the_first_or_the_last_name(named):
    assert found("sen") == {"Ib Hansen", "Åse Jensen"}
    assert found("SEN ib") == {"Ib Hansen"}
    assert found("marie holm") == {"Anne Marie Holm"}
    assert found("ie ho") == {"Anne Marie Holm"}
    assert found("bhansen") == set()  # never across the space between the names
    assert found("b h") == {"Ib Hansen"}  # two words, each found on its own
    assert found("%") == {"Bo 50%_rabat"}  # wildcards are text
    assert found("_") == {"Bo 50%_rabat"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_query_is_the_trigram_index_expression(named):
    """PostgreSQL deparses the search's condition exactly as the index's expression (the planner
    uses the index at 1,000,000 citizens; on a test table this small it rightly does not)."""
    queryset = citizen_search(Citizen.objects.filter(anonymised_at__isnull=True), Search("name", "Hansen"))
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT pg_get_indexdef('citizen_active_name_trgm'::regclass)")
        index = cursor.fetchone()[0]
    condition = re.search(r"(upper\(.*\)) ~~ '%HANSEN%'", plan)
    assert condition, plan
    assert f"gin ({condition.group(1)} gin_trgm_ops)" in index, (condition.group(1), index)
