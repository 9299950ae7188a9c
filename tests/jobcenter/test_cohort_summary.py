"""The cohort summary the refresh keeps: the forecast read from it equals the forecast grouped from
the enrolments themselves (same cohorts, same flows, same figures)."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.economy import assumptions_on
from catalogue.models import ContactRule
from catalogue.selectors import current_rulebook
from citizens.models import Citizen, Enrolment
from citizens.refresh import refresh_changed
from jobcenter import cohort_summary, services
from jobcenter import forecast as fc
from jobcenter import forecast_inputs as fi
from jobcenter.caseload_table import CaseloadTable
from jobcenter.models import CohortSample, CohortSummary, EngineRun

ON = date(2026, 11, 20)


def _cohorts(cohorts):
    return Counter((c.team, c.caseworker, c.target_group, c.start, c.end, c.exempt, c.work_obligation,
                    c.short_absence, c.n) for c in cohorts)


def _forecast(cohorts, flows, code="lab-2027"):
    book = current_rulebook()
    shares, exempt = fi.shares_from_cohorts(cohorts, ON)
    return fc.forecast(book, code, cohorts, ON, 12, fc.Assumptions.from_dict(assumptions_on(ON)),
                       flows=flows, team_shares=shares, exempt_share=exempt).to_json()


@pytest.mark.django_db
def test_the_summary_gives_the_same_cohorts_flows_and_forecast_as_the_enrolments():
    call_command("seed_demo", citizens=400, seed=4, on=ON, verbosity=0)
    # some history whose citizens are anonymised: counted in the flows, not in the caseload
    Citizen.objects.filter(pk__in=Citizen.objects.order_by("pk").values("pk")[:15]).update(
        anonymised_at=timezone.now()
    )
    # edge days: one ends on ON (still running), one ended the day before, one starts on ON
    running = Enrolment.objects.filter(end__isnull=True, citizen__anonymised_at__isnull=True).order_by("pk")
    Enrolment.objects.filter(pk=running[0].pk).update(end=ON)
    Enrolment.objects.filter(pk=running[1].pk).update(end=ON - timedelta(days=1))
    Enrolment.objects.filter(pk=running[2].pk).update(start=ON)
    CohortSummary.objects.all().delete()
    direct_cohorts, direct_flows = fi.caseload_and_flows(ON)

    refresh_changed(on=ON)  # the nightly refresh rebuilds the summary
    assert CohortSummary.objects.filter(as_of=ON).count() == CohortSummary.objects.count() > 0
    read = cohort_summary.read(ON, fi._codes())
    assert read is not None
    cohorts, flows = read
    # the flows come from what the refresh kept: exactly those estimated from the summary's rows
    kept = cohort_summary.kept_flows(ON, fi._codes())
    assert kept is not None and kept == flows
    assert kept == cohort_summary._flows(ON, fi._codes(), cohort_summary._running_rows())
    CohortSample.objects.filter(kind="flows").delete()
    assert cohort_summary.read(ON, fi._codes())[1] == flows  # estimated again when not kept
    assert _cohorts(cohorts) == _cohorts(direct_cohorts)
    assert flows.inflow == direct_flows.inflow
    assert flows.method() == direct_flows.method()
    for group, curve in direct_flows.survival.items():
        assert flows.survival[group].times == curve.times
        assert flows.survival[group].values == pytest.approx(curve.values, rel=1e-12)
    assert fi.caseload_and_flows(ON)[1].inflow == direct_flows.inflow  # the forecast's read uses it
    for code in ("lab-2027", "reform-2026+lokal-jobparat-3-mdr"):
        a, b = _forecast(direct_cohorts, direct_flows, code), _forecast(cohorts, flows, code)
        assert a["method"] == b["method"]
        rows_a = {tuple(r[:3]): r[3:] for r in a["rows"]}
        rows_b = {tuple(r[:3]): r[3:] for r in b["rows"]}
        assert rows_a.keys() == rows_b.keys()
        for key, values in rows_a.items():
            for x, y in zip(values[:5], rows_b[key][:5], strict=True):
                assert y == pytest.approx(x, abs=1e-3)


@pytest.mark.django_db
def test_a_summary_of_another_day_is_not_used():
    call_command("seed_demo", citizens=60, seed=4, on=ON, verbosity=0)
    cohort_summary.rebuild(ON - timedelta(days=1))
    assert cohort_summary.read(ON, fi._codes()) is None
    cohort_summary.rebuild(ON)
    assert cohort_summary.read(ON, fi._codes()) is not None


@pytest.mark.django_db
def test_the_refresh_keeps_both_contact_samples_as_the_forecast_reads_them(settings):
    call_command("seed_demo", citizens=300, seed=5, on=ON, verbosity=0)
    book = current_rulebook()
    direct_held = fi.held_sample(ON, fi.HELD_SAMPLE)
    direct_timing = fi.timing_on(book, ON)
    assert direct_timing and any(contacts for _f, contacts in direct_held)  # something to keep
    CohortSample.objects.all().delete()  # the demo's own refresh kept them already
    assert cohort_summary.held_sample(ON) is None and cohort_summary.timing(ON) is None

    refresh_changed(on=ON)
    assert cohort_summary.held_sample(ON) == direct_held
    assert cohort_summary.timing(ON) == direct_timing
    assert cohort_summary.held_sample(ON + timedelta(days=1)) is None  # kept for another day
    assert cohort_summary.timing(ON + timedelta(days=1)) is None

    # the forecast's inputs read them (sample above FORECAST_EXACT_LIMIT); same as read directly
    settings.FORECAST_EXACT_LIMIT = 10
    inputs = services._inputs(ON)
    assert services.held_sample(inputs) == direct_held and inputs["timing"] == direct_timing

    # a rule changes: the kept timing was for the old rules, so it is not used
    ContactRule.objects.order_by("pk").first().save()  # a history row: a new rules version
    assert cohort_summary.timing(ON) is None


@pytest.mark.django_db
def test_the_engine_results_the_refresh_keeps_give_the_same_forecast_as_computing_them(settings, monkeypatch):
    settings.FORECAST_EXACT_LIMIT = 10  # the held shares from the sample (their own engine runs)
    call_command("seed_demo", citizens=300, seed=6, on=ON, verbosity=0)
    refresh_changed(on=ON)  # keeps the summary, the samples and the engine's results
    assert EngineRun.objects.exists()
    book = current_rulebook()
    inputs = services._inputs(ON)
    assert inputs["large"]
    cohorts = services._cohorts(inputs, ON, None)
    first = services.first_month_of(ON)
    assumptions = fc.Assumptions.from_dict(assumptions_on(ON))

    def run(code, months):
        end = fc.add_months(first, months) - timedelta(days=1)
        return fc.forecast(
            book, code, cohorts, ON, months, assumptions, flows=inputs["flows"], timing=inputs["timing"],
            team_shares=inputs["team_shares"], exempt_share=inputs["exempt_share"], first_month=first,
            held_shares=services._held(inputs, book, code, ON, end),
        ).to_json()

    loader, evaluate = fc.ENGINE_LOADER, fc.evaluate
    assert loader is cohort_summary.kept_engine
    calls = []

    def counted(*a, **k):
        calls.append(1)
        return evaluate(*a, **k)

    monkeypatch.setattr(fc, "evaluate", counted)
    for code in services.default_codes():
        for months in services.HORIZONS:
            monkeypatch.setattr(fc, "ENGINE_LOADER", None)
            fc.ENGINE_CACHE.clear()
            calls.clear()
            computed = run(code, months)
            computed_calls, computed_runs = len(calls), dict(fc.ENGINE_CACHE["runs"])
            monkeypatch.setattr(fc, "ENGINE_LOADER", loader)
            fc.ENGINE_CACHE.clear()
            calls.clear()
            assert run(code, months) == computed
            # every input of the engine's cache read from the kept rows, none run again (the
            # engine runs left are those of the new enrolments, per forecast)
            assert computed_calls - len(calls) == sum(len(c) for c in computed_runs.values()) > 0
            for key, cache in computed_runs.items():
                assert cohort_summary.kept_engine(key) == cache
            # the held shares are kept too: a fresh worker reads neither the sample nor its runs
            end = fc.add_months(first, months) - timedelta(days=1)
            kept = inputs["shares"][cohort_summary.shares_key(code, ON, end)]()
            assert kept and kept == fc.held_shares(services.held_sample(inputs), book, code, ON, end)
    # kept for another rule book: not read
    monkeypatch.setattr(cohort_summary, "rules_version", lambda: "another")
    assert cohort_summary.kept_engine(next(iter(computed_runs))) is None


@pytest.mark.django_db
def test_a_worker_reads_the_caseload_again_when_the_refresh_keeps_another():
    call_command("seed_demo", citizens=200, seed=7, on=ON, verbosity=0)
    refresh_changed(on=ON)
    codes = fi._codes()
    before = cohort_summary.kept_caseload(ON, codes)
    assert before is not None and cohort_summary.kept_caseload(ON, codes) is before  # kept in the worker
    # a citizen leaves; the next refresh keeps another caseload, which the worker then reads
    Enrolment.objects.filter(end__isnull=True).order_by("pk").first().delete()
    refresh_changed(on=ON)
    after = cohort_summary.kept_caseload(ON, codes)
    assert after is not before and after.total() == before.total() - 1
    assert list(after) == list(cohort_summary._table(cohort_summary._running_rows(), codes))


@pytest.mark.django_db
def test_kept_engine_results_with_held_contacts_read_back_exactly():
    # a small caseload: exact held talks, so the engine's inputs carry their contacts
    call_command("seed_demo", citizens=150, seed=8, on=ON, verbosity=0, no_refresh=True)
    cohort_summary.rebuild(ON)  # runs keep_engine: fc.ENGINE_CACHE holds what it computed
    runs = dict(fc.ENGINE_CACHE["runs"])
    assert any(held for cache in runs.values() for (_facts, held) in cache)
    for key, cache in runs.items():
        assert cohort_summary.kept_engine(key) == cache


@pytest.mark.django_db
def test_held_shares_are_read_only_with_the_caseload_they_were_kept_with(settings):
    settings.FORECAST_EXACT_LIMIT = 10  # held shares from the sample, kept by the refresh
    call_command("seed_demo", citizens=200, seed=9, on=ON, verbosity=0)
    refresh_changed(on=ON)
    table = cohort_summary.read(ON, fi._codes())[0]
    assert cohort_summary.kept_shares(table)
    assert cohort_summary.kept_shares(CaseloadTable.of(list(table))) == {}  # not the kept table
    Enrolment.objects.filter(end__isnull=True).order_by("pk").first().delete()
    refresh_changed(on=ON)  # another caseload with its own shares
    assert cohort_summary.kept_shares(table) == {}
    assert cohort_summary.kept_shares(cohort_summary.read(ON, fi._codes())[0])


@pytest.mark.django_db
def test_a_kept_caseload_is_not_read_after_a_group_code_moves_to_another_group():
    from catalogue.models import TargetGroup

    call_command("seed_demo", citizens=100, seed=10, on=ON, verbosity=0)
    refresh_changed(on=ON)
    assert cohort_summary.kept_caseload(ON, fi._codes()) is not None
    a, b = TargetGroup.objects.order_by("pk")[:2]
    a_code, b_code = a.code, b.code
    TargetGroup.objects.filter(pk=a.pk).update(code="midlertidig")
    TargetGroup.objects.filter(pk=b.pk).update(code=a_code)
    TargetGroup.objects.filter(pk=a.pk).update(code=b_code)  # the two codes swapped
    assert cohort_summary.kept_caseload(ON, fi._codes()) is None


@pytest.mark.django_db
def test_a_warmed_up_worker_forecasts_without_reading_the_refresh_results_again(settings, monkeypatch):
    """``warm_up`` (run by a Celery worker before it forks) leaves the kept caseload, held shares
    and engine results in the process: the first forecast then reads none of them and gives the
    figures of a cold one."""
    settings.FORECAST_EXACT_LIMIT = 10  # a "large" caseload: what the refresh keeps is read
    call_command("seed_demo", citizens=300, seed=5, on=ON, verbosity=0)
    refresh_changed(on=ON)
    book = current_rulebook()
    first = services.first_month_of(ON)
    end = fc.add_months(first, 12) - timedelta(days=1)

    def forecast():
        inputs = services._inputs(ON)
        return fc.forecast(
            book, "lab-2027", services._cohorts(inputs, ON, None), ON, 12,
            fc.Assumptions.from_dict(assumptions_on(ON)), flows=inputs["flows"], timing=inputs["timing"],
            team_shares=inputs["team_shares"], exempt_share=inputs["exempt_share"], first_month=first,
            held_shares=services._held(inputs, book, "lab-2027", ON, end),
        ).to_json()

    fc.ENGINE_CACHE.clear()
    cohort_summary._LAST_TABLE.clear()
    cold = forecast()
    fc.ENGINE_CACHE.clear()
    cohort_summary._LAST_TABLE.clear()
    assert cohort_summary.warm_up() > 0
    loaded = []
    monkeypatch.setattr(fc, "ENGINE_LOADER", lambda key: loaded.append(key))
    monkeypatch.setattr(CaseloadTable, "from_bytes", lambda blob: pytest.fail("caseload read again"))
    with CaptureQueriesContext(connection) as queries:
        assert forecast() == cold
    assert loaded == []  # every engine run came from the warm-up
    assert not [q for q in queries.captured_queries if "jobcenter_enginerun" in q["sql"]]  # nor the shares
    # after a rule change nothing kept is usable: the warm-up computes nothing (the refresh will)
    fc.ENGINE_CACHE.clear()
    monkeypatch.setattr(cohort_summary, "rules_version", lambda: "another")
    assert cohort_summary.warm_up() == 0 and not fc.ENGINE_CACHE.get("runs")


@pytest.mark.django_db
def test_warm_up_reads_nothing_without_a_large_kept_caseload(settings):
    assert cohort_summary.warm_up() == 0  # no summary at all
    call_command("seed_demo", citizens=60, seed=5, on=ON, verbosity=0)
    refresh_changed(on=ON)
    fc.ENGINE_CACHE.clear()
    assert cohort_summary.warm_up() == 0  # small: the forecast computes it exactly
    assert not fc.ENGINE_CACHE.get("runs")


def test_a_worker_starts_when_its_warm_up_fails(monkeypatch):
    from django.db import connections

    from jobcenter import celery

    def broken():
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(cohort_summary, "warm_up", broken)
    closed, logged, frozen = [], [], []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(1))
    monkeypatch.setattr(celery.log, "exception", logged.append)
    monkeypatch.setattr(celery.gc, "freeze", lambda: frozen.append(1))  # not this test process
    celery._warm_up()  # no exception: the worker goes on starting
    assert "warm-up failed" in logged[0] and closed and frozen


def test_the_warm_up_can_be_switched_off(settings, monkeypatch):
    from jobcenter import celery

    settings.FORECAST_WARM_UP = False
    monkeypatch.setattr(cohort_summary, "warm_up", lambda: pytest.fail("warmed up while switched off"))
    celery._warm_up()
