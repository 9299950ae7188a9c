"""django-tables2 inspects the signature of a column's render function for every cell it renders
(`django_tables2.utils.signature`, called by `call_with_appropriate`): on the worklist that was about
half of the page's server time (cProfile, 100 rows). A function's signature never changes, so it is
computed once per function here (bound methods: once per underlying function, `self` removed as
django-tables2 does). Installed from JobcenterConfig.ready()."""

import inspect
from functools import lru_cache

from django_tables2 import utils

_uncached = utils.signature


@lru_cache(maxsize=4096)
def _of_function(function, bound: bool) -> tuple:
    if not bound:
        return _uncached(function)
    names, keywords = _uncached(function)
    return names[1:], keywords  # a bound method's first parameter is self


def cached_signature(fn) -> tuple:
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        return _of_function(fn.__func__, True)
    if inspect.isfunction(fn):
        return _of_function(fn, False)
    return _uncached(fn)  # partials, callables: rare, not cached


def install() -> None:
    utils.signature = cached_signature
