"""The forecast's batch steps pause the cyclic garbage collector and always start it again."""

import gc

import pytest

from jobcenter.gcpause import paused


def test_paused_during_the_step_and_running_again_after_it_even_on_an_error():
    seen = []

    @paused
    def step(fail=False):
        seen.append(gc.isenabled())
        inner()
        if fail:
            raise ValueError("x")
        return 7

    @paused
    def inner():
        seen.append(gc.isenabled())

    assert gc.isenabled()
    assert step() == 7
    assert seen == [False, False] and gc.isenabled()  # the nested step left it paused for the outer
    with pytest.raises(ValueError):
        step(fail=True)
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused():
    gc.disable()
    try:
        paused(lambda: None)()
        assert not gc.isenabled()
    finally:
        gc.enable()
