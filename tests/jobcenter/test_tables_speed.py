"""django-tables2's per-cell signature inspection is computed once per function, with the same
answer as the library's own (jobcenter/tables_speed.py)."""

from django_tables2 import utils

from jobcenter.tables_speed import _of_function, _uncached, cached_signature


class Table:
    def render_name(self, value, record):
        return value

    def render_any(self, **kwargs):
        return kwargs

    @classmethod
    def render_cls(cls, value):
        return value


def plain(value, *args, bound_column=None, **rest):
    return value


def test_the_cached_signature_is_installed_and_answers_as_the_library_does():
    assert utils.signature is cached_signature
    table = Table()
    for fn in (table.render_name, table.render_any, Table.render_cls, plain, lambda record: record):
        assert cached_signature(fn) == _uncached(fn)
    assert utils.call_with_appropriate(table.render_name, {"value": 1, "record": 2, "x": 3}) == 1


def test_a_method_is_inspected_once_for_every_instance():
    _of_function.cache_clear()
    for _ in range(50):
        cached_signature(Table().render_name)
    assert _of_function.cache_info().misses == 1 and _of_function.cache_info().hits == 49
