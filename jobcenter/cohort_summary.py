"""The caseload summary the forecast reads instead of grouping every enrolment (issue 12).

``rebuild(on)`` replaces the summary with the caseload as it stands on ``on``, in three GROUP BYs
on ids (no join to the target groups): the enrolments running on ``on`` per team, caseworker and
everything the engine looks at; the ended ones per target group and duration in days (for the
Kaplan-Meier exits); and the starts per target group and month (for the inflow). The obligation
refresh calls it after its nightly run (``citizens.refresh.refresh_changed``) and after a full
refresh, so the 04:00 forecast reads a fresh summary.

``read(on)`` gives what ``forecast_inputs.caseload_and_flows(on)`` computes from the enrolments
(the same cohorts, possibly in another order, and the same flows;
``tests/jobcenter/test_cohort_summary.py`` checks it),
or None when the summary was built for another day (then the forecast groups the enrolments
itself). A forecast started later the same day reads the summary of the night: enrolments
registered since then count from the next night.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction

from citizens.obligations import ContactFacts, EnrolmentFacts
from jobcenter import flows as fl
from jobcenter import forecast as fc
from jobcenter.caseload_table import NONE, CaseloadTable
from jobcenter.models import CohortSample, CohortSummary, EngineRun

TABLE = CohortSummary._meta.db_table
FORMAT = 4  # of what the refresh keeps (samples, flows, caseload, engine results); others are not read

REBUILD = [
    f"DELETE FROM {TABLE}",
    f"""
    INSERT INTO {TABLE} (kind, as_of, team_id, caseworker_id, target_group_id, start, "end", days, exempt,
                         work_obligation, short_absence, anonymised, n)
    SELECT 'running', %(on)s, c.team_id, c.caseworker_id, e.target_group_id, e.start, e."end", NULL,
           e.exempt, e.work_obligation, e.short_absence, c.anonymised_at IS NOT NULL, count(*)
    FROM citizens_enrolment e JOIN citizens_citizen c ON c.id = e.citizen_id
    WHERE e.start <= %(on)s AND (e."end" IS NULL OR e."end" >= %(on)s)
    GROUP BY 3, 4, 5, 6, 7, 9, 10, 11, 12
    """,
    f"""
    INSERT INTO {TABLE} (kind, as_of, target_group_id, days, n, exempt, work_obligation, short_absence,
                         anonymised)
    SELECT 'ended', %(on)s, e.target_group_id, e."end" - e.start + 1, count(*), false, false, false, false
    FROM citizens_enrolment e
    WHERE e.start <= %(on)s AND e."end" < %(on)s
    GROUP BY 3, 4
    """,
    f"""
    INSERT INTO {TABLE} (kind, as_of, target_group_id, start, n, exempt, work_obligation, short_absence,
                         anonymised)
    SELECT 'starts', %(on)s, e.target_group_id, date_trunc('month', e.start)::date, count(*),
           false, false, false, false
    FROM citizens_enrolment e
    WHERE e.start <= %(on)s
    GROUP BY 3, 4
    """,
    f"""
    INSERT INTO {TABLE} (kind, as_of, target_group_id, start, n, exempt, work_obligation, short_absence,
                         anonymised)
    SELECT 'first', %(on)s, 0, min(e.start), 0, false, false, false, false
    FROM citizens_enrolment e
    WHERE e.start <= %(on)s
    HAVING count(*) > 0
    """,
]


@transaction.atomic
def rebuild(on: date) -> int:
    """Replace the summary with the caseload on ``on``, and what the forecast reads with it: the
    two contact samples, the flows and the caseload as columns (``keep_samples``), the engine's
    results and the held shares (``keep_engine``); returns the summary's number of rows.

    PostgreSQL only (its SQL; the summary is for large databases): on the embedded SQLite of a
    first run nothing is kept and the forecast groups the enrolments itself."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cur:
        for sql in REBUILD:
            cur.execute(sql, {"on": on})
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        rows = cur.fetchone()[0]
    keep_samples(on)
    keep_engine(on)
    return rows


def rules_version() -> str:
    from catalogue.selectors import _rules_version

    return repr(_rules_version())


def keep_samples(on: date) -> None:
    """Store the held-talk sample and the timing of talks as ``forecast_inputs`` reads them on
    ``on`` (the refresh reads those contacts anyway; the forecast then reads two rows), the
    flows estimated from the summary (inflow and Kaplan-Meier exits) and the running caseload as
    columns (``CaseloadTable``, with a token and the group ids it was kept under)."""
    from catalogue.selectors import current_rulebook
    from jobcenter import forecast_inputs as fi

    held = {"format": FORMAT, "rows": [  # dates as ordinals (day numbers): short and quick to read
        [f.target_group, f.start.toordinal(), f.end.toordinal() if f.end else None, f.exempt,
         f.work_obligation, f.short_absence, f.team,
         [[c.date.toordinal(), c.kind, c.channel, c.performed_by] for c in contacts]]
        for f, contacts in fi.held_sample(on, fi.HELD_SAMPLE)
    ]}
    version = rules_version()
    timing = fi.timing_on(current_rulebook(), on)
    codes = fi._codes()
    rows = _running_rows()
    flows = _flows_json(_flows(on, codes, rows))
    table = _table(rows, codes)
    # the group ids with their codes: a code renamed and given to another group is not read as it
    ids = {code: gid for gid, code in codes.items() if code in table.groups}
    caseload = {"format": FORMAT, "token": uuid.uuid4().hex, "groups": ids}
    kept = (
        (CohortSample.Kind.HELD, held, "", b""),
        (CohortSample.Kind.TIMING, timing, version, b""),
        (CohortSample.Kind.FLOWS, flows, "", b""),
        (CohortSample.Kind.CASELOAD, caseload, "", table.to_bytes()),
    )
    for kind, data, rules, blob in kept:
        CohortSample.objects.update_or_create(
            kind=kind, defaults={"as_of": on, "data": data, "rules_version": rules, "blob": blob}
        )


def held_sample(on: date) -> list[tuple[EnrolmentFacts, list[ContactFacts]]] | None:
    """The held-talk sample kept for ``on`` (as ``forecast_inputs.held_sample``), or None."""
    row = (
        CohortSample.objects.filter(kind=CohortSample.Kind.HELD, as_of=on)
        .values_list("data", flat=True)
        .first()
    )
    if not isinstance(row, dict) or row.get("format") != FORMAT:
        return None  # none kept, or kept by an older version
    day = date.fromordinal
    return [
        (EnrolmentFacts(group, day(start), day(end) if end else None, exempt, wo, short, team),
         [ContactFacts(day(d), kind, channel, by) for d, kind, channel, by in contacts])
        for group, start, end, exempt, wo, short, team, contacts in row["rows"]
    ]


def timing(on: date) -> dict[str, tuple] | None:
    """The timing of talks kept for ``on`` (as ``forecast_inputs.timing_on``), or None when it
    was kept for another day or before a rule changed."""
    row = (
        CohortSample.objects.filter(kind=CohortSample.Kind.TIMING, as_of=on)
        .values_list("data", "rules_version")
        .first()
    )
    if row is None or row[1] != rules_version():
        return None
    return {rule: tuple(points) for rule, points in row[0].items()}


def as_of() -> date | None:
    row = CohortSummary.objects.values_list("as_of", flat=True).first()
    return row


def read(on: date, codes: dict[int, str]) -> tuple[CaseloadTable, fl.Flows] | None:
    """The running caseload as a table and the flows on ``on`` from the summary, or None when the
    summary is not of ``on`` (see the module docstring). Both as the refresh kept them
    (``keep_samples``: one row each), else computed from the summary's rows."""
    if as_of() != on:
        return None
    table = kept_caseload(on, codes)
    flows = kept_flows(on, codes)
    if table is None or flows is None:
        rows = _running_rows()
        table = _table(rows, codes) if table is None else table
        flows = _flows(on, codes, rows) if flows is None else flows
    return table, flows


def _table(rows: list[tuple], codes: dict[int, str]) -> CaseloadTable:
    """The summary's running rows (``_running_rows``) of citizens not anonymised, as a table."""
    kept = [r for r in rows if not r[8]]
    if not kept:
        return CaseloadTable.of([])
    team, cw, gid, start, end, exempt, wo, short, _anon, n = zip(*kept, strict=True)
    ids = sorted(set(gid))
    index = {g: i for i, g in enumerate(ids)}
    none = NONE
    return CaseloadTable.from_columns(
        [codes[g] for g in ids], [index[g] for g in gid], [d.toordinal() for d in start],
        [none if d is None else d.toordinal() for d in end], exempt, wo, short,
        [none if t is None else t for t in team], [none if c is None else c for c in cw], n,
    )


def kept_caseload(on: date, codes: dict[int, str]) -> CaseloadTable | None:
    """The running caseload the refresh kept for ``on`` (exactly ``_table`` of the summary's
    rows), or None. A worker keeps the last one read, with its token, until the refresh keeps
    another; ``token_of`` gives the token of a table read here."""
    kept = CohortSample.objects.filter(kind=CohortSample.Kind.CASELOAD, as_of=on)
    data = kept.values_list("data", flat=True).first()
    if not isinstance(data, dict) or data.get("format") != FORMAT or not data.get("token"):
        return None
    if any(codes.get(gid) != code for code, gid in data.get("groups", {}).items()):
        return None  # a target group was renamed since
    token = data["token"]
    last = _LAST_TABLE.get("last")
    if last is None or last[0] != token:
        blob = kept.filter(data__token=token).values_list("blob", flat=True).first()
        if not blob:
            return None  # replaced meanwhile: read as if none was kept
        last = _LAST_TABLE["last"] = (token, CaseloadTable.from_bytes(bytes(blob)))
    table = last[1]
    if not set(table.groups) <= set(data.get("groups", {})):
        return None
    return table


def token_of(table: object) -> str | None:
    """The token of the kept caseload ``table`` is (``kept_caseload``), or None."""
    last = _LAST_TABLE.get("last")
    return last[0] if last is not None and last[1] is table else None


_LAST_TABLE: dict = {}


def _running_rows() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT team_id, caseworker_id, target_group_id, start, "end", exempt, work_obligation,
                       short_absence, anonymised, n
                FROM {TABLE} WHERE kind = 'running'"""
        )
        return cur.fetchall()


def _flows(on: date, codes: dict[int, str], rows: list[tuple]) -> fl.Flows:
    """Inflow and Kaplan-Meier exits from the summary's rows (``rows``: the running ones)."""
    window_end = on.replace(day=1)
    window_start = fl.month_add(window_end, -fl.WINDOW_MONTHS)
    starts: dict[tuple[str, date], float] = defaultdict(float)
    durations: dict[tuple[str, int, bool], float] = defaultdict(float)
    with connection.cursor() as cur:
        cur.execute(f"SELECT target_group_id, start, n FROM {TABLE} WHERE kind = 'starts'")
        for gid, month, n in cur.fetchall():
            if window_start <= month < window_end:
                starts[(codes[gid], month)] += n
        cur.execute(f"SELECT start FROM {TABLE} WHERE kind = 'first'")
        first = cur.fetchone()
        history_from = first[0] if first else None
        cur.execute(f"SELECT target_group_id, days, n FROM {TABLE} WHERE kind = 'ended'")
        for gid, days, n in cur.fetchall():
            durations[(codes[gid], days, True)] += n
    since: dict[date, int] = {}
    for _team, _cw, gid, start, _end, _exempt, _wo, _short, _anon, n in rows:
        age = since.get(start)
        if age is None:
            age = since[start] = (on - start).days + 1
        durations[(codes[gid], age, False)] += n
    survival = fl.estimate_survival((g, d, ended, n) for (g, d, ended), n in durations.items())
    return fl.Flows(fl.estimate_inflow(starts, on, history_from), survival)


def _flows_json(flows: fl.Flows) -> dict:
    inflow = flows.inflow
    return {
        "format": FORMAT,
        "inflow": [{g: list(v) for g, v in inflow.per_calendar_month.items()}, inflow.method,
                   inflow.history_months],
        # the dense table is left out: it is rebuilt from the steps as ``kaplan_meier`` builds it
        "survival": {
            g: [list(s.times), list(s.values), s.last_observed, s.tail_hazard, s.exits, s.observations,
                bool(s.dense)]
            for g, s in flows.survival.items()
        },
    }


def _survival(times, values, last, tail, exits, observations, dense) -> fl.Survival:
    """The curve as ``kaplan_meier`` built it (its dense table rebuilt from the steps)."""
    table = fl.dense_steps(times, values, last) if dense else ()
    return fl.Survival(tuple(times), tuple(values), last, tail, exits, observations, table)


def kept_flows(on: date, codes: dict[int, str]) -> fl.Flows | None:
    """The flows the refresh kept for ``on`` (exactly those ``_flows`` gives), or None."""
    row = (
        CohortSample.objects.filter(kind=CohortSample.Kind.FLOWS, as_of=on)
        .values_list("data", flat=True)
        .first()
    )
    if row is None or row.get("format") != FORMAT:
        return None
    (per_month, method, history), curves = row["inflow"], row["survival"]
    if not set(per_month) | set(curves) <= set(codes.values()):
        return None  # a target group was renamed since
    survival = {g: _survival(*curve) for g, curve in curves.items()}
    return fl.Flows(fl.InflowEstimate({g: tuple(v) for g, v in per_month.items()}, method, history), survival)


# --- The engine's results per distinct input (``forecast.ENGINE_CACHE``), kept for a fresh worker


def keep_engine(on: date) -> int:
    """Run the forecasts of the nightly job (every active rule set, both horizons) on the summary
    just built, and store the engine's results per distinct input they needed, keyed by rules
    version, rule set and horizon (``EngineRun``); they depend on nothing else. Returns the number
    of inputs stored."""
    from catalogue.selectors import current_rulebook
    from jobcenter import services

    book = current_rulebook()
    fc.ENGINE_CACHE.clear()  # every run computed here, none read from the rows replaced below
    loader, fc.ENGINE_LOADER = fc.ENGINE_LOADER, None
    shares = {}

    def held(inputs: dict, code: str, horizon_end: date) -> dict | None:
        if not inputs["large"]:
            return None
        key = shares_key(code, on, horizon_end)
        shares[key] = fc.held_shares(services.held_sample(inputs), book, code, on, horizon_end)
        return shares[key]

    try:
        inputs = _nightly_forecasts(book, on, held)
    finally:
        fc.ENGINE_LOADER = loader
    version = rules_version()
    EngineRun.objects.all().delete()
    runs = fc.ENGINE_CACHE.get("runs", {})
    kept = [(repr(key), _engine_rows(key, cache)) for key, cache in runs.items()]
    token = token_of(inputs["plain"])  # the caseload the shares were computed with
    kept += [(key, {"token": token, "rows": [[*cell, v] for cell, v in held.items()]})
             for key, held in shares.items()]
    EngineRun.objects.bulk_create(
        EngineRun(rules_version=version, run=run, data={"format": FORMAT, **data}) for run, data in kept
    )
    return _engine_inputs()


def warm_up() -> int:
    """Read into this process what the last refresh kept for a large caseload (the caseload as
    columns, the held shares, the engine's results), by running the nightly job's forecasts on
    it as ``keep_engine`` did, so that a new worker's first forecast costs what its later ones
    do. A Celery worker calls it before it forks its pool (``jobcenter.celery``). Nothing is
    computed when the refresh kept nothing usable (no summary, another rules version or format):
    that would be the refresh's whole work, at every worker start. Returns the number of engine
    inputs now in ``forecast.ENGINE_CACHE`` (0: nothing read)."""
    from catalogue.selectors import current_rulebook
    from jobcenter import forecast_inputs as fi
    from jobcenter import services

    on = as_of()
    if on is None or kept_caseload(on, fi._codes()) is None:
        return 0
    kept = EngineRun.objects.filter(rules_version=rules_version(), data__format=FORMAT)
    if not kept.exclude(run__startswith=SHARES_PREFIX).exists():
        return 0
    book = current_rulebook()
    inputs = _nightly_forecasts(
        book, on, lambda inputs, code, horizon_end: services._held(inputs, book, code, on, horizon_end),
        large_only=True,
    )
    return 0 if inputs is None else _engine_inputs()


def _engine_inputs() -> int:
    """The number of engine inputs in this process's ``forecast.ENGINE_CACHE``."""
    return sum(len(cache) for cache in fc.ENGINE_CACHE.get("runs", {}).values())


def _nightly_forecasts(book, on: date, held, *, large_only: bool = False) -> dict | None:
    """The nightly job's forecasts (every active rule set, both horizons) of the caseload on
    ``on`` under ``book``, for the engine's results they leave in ``forecast.ENGINE_CACHE``;
    ``held(inputs, code, horizon_end)`` gives each its held shares. Returns the forecast's inputs
    (None when ``large_only`` and the caseload is computed exactly, with no forecast run)."""
    from jobcenter import services

    inputs = services._inputs(on)
    if large_only and not inputs["large"]:
        return None
    cohorts = services._cohorts(inputs, on, None)
    # the engine's results do not depend on the cost assumptions (they may not be set yet)
    assumptions = fc.Assumptions(minutes=_AnyMinutes())
    first = services.first_month_of(on)
    for months in services.HORIZONS:
        horizon_end = fl.month_add(first, months) - timedelta(days=1)
        for code in services.default_codes():
            fc.forecast(
                book, code, cohorts, on, months, assumptions, flows=inputs["flows"],
                timing=inputs["timing"], team_shares=inputs["team_shares"],
                exempt_share=inputs["exempt_share"], first_month=first,
                held_shares=held(inputs, code, horizon_end),
            )
    return inputs


class _AnyMinutes(dict):
    """Minutes for every talk: ``keep_engine`` runs forecasts for the engine's results only."""

    def __contains__(self, key) -> bool:
        return True

    def __missing__(self, key) -> float:
        return 45.0


def shares_key(code: str | None, on: date, horizon_end: date) -> str:
    return repr(("shares", code, on.isoformat(), horizon_end.isoformat()))


SHARES_PREFIX = repr(("shares",))[:-2]  # what every ``shares_key`` starts with: "('shares'"


def kept_shares(table: object) -> dict[str, dict]:
    """The held shares (``forecast.held_shares``) ``keep_engine`` stored under the rule book in
    force with the kept caseload ``table`` (its token), keyed by ``shares_key``; empty
    when ``table`` is not the kept one. Read once per forecast, so every rule set and team part
    uses shares of the same refresh as its caseload; a fresh worker then needs neither the
    held-talk sample nor its engine runs."""
    token = token_of(table)
    if token is None:
        return {}
    key = (token, rules_version())
    if _LAST_SHARES.get("key") == key:  # a worker keeps them with the caseload they belong to
        return _LAST_SHARES["shares"]
    # by the run's name only: a filter on the data would make PostgreSQL read every engine row's JSON
    rows = EngineRun.objects.filter(
        rules_version=key[1], run__startswith=SHARES_PREFIX
    ).values_list("run", "data")
    shares = {
        run: _LazyShares(data["rows"]) for run, data in rows
        if data.get("token") == token and data.get("format") == FORMAT
    }
    if shares:  # none yet: the refresh that kept this caseload may still be storing them
        _LAST_SHARES.update(key=key, shares=shares)
    return shares


_LAST_SHARES: dict = {}


class _LazyShares:
    """One kept row of held shares, turned into ``forecast.held_shares``' dict when first asked
    for (a forecast uses one or two of the dozen rows it reads)."""

    def __init__(self, rows: list) -> None:
        self.rows = rows
        self.shares: dict | None = None

    def __call__(self) -> dict:
        if self.shares is None:
            self.shares = {(group, rule, number, months): v for group, rule, number, months, v in self.rows}
        return self.shares


def kept_engine(run_key: tuple) -> dict | None:
    """The engine's results ``keep_engine`` stored for ``run_key`` and the rule book in force
    ({(facts, held contacts): obligations}, exactly as the forecast computes them), or None."""
    data = (
        EngineRun.objects.filter(rules_version=rules_version(), run=repr(run_key))
        .values_list("data", flat=True)
        .first()
    )
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    day = date.fromordinal
    contact = ContactFacts
    if run_key[0] == "held":  # forecast.held_shares: (rule, number, latest as a date, status)
        return {
            (_facts(day, *f), tuple(contact(day(d), *rest) for d, *rest in held)):
            tuple((rule, number, day(latest), status) for rule, number, latest, status in obs)
            for f, held, obs in data["rows"]
        }
    # _Profiler.engine: facts as plain values in columns, each input's obligations (set, rule,
    # number, quota %, earliest, latest in days from the start) as indexes into a table of the
    # distinct ones (a few dozen), all inputs' indexes in one list cut at ``offsets``
    table = [tuple(ob) for ob in data["table"]]
    flat, offsets, held = data["flat"], data["offsets"], data["held"]
    values: dict[tuple, tuple] = {}
    out = {}
    for n, facts in enumerate(zip(*data["facts"], strict=True)):
        idx = tuple(flat[offsets[n]:offsets[n + 1]])
        obligations = values.get(idx)
        if obligations is None:
            obligations = values[idx] = tuple(table[i] for i in idx)
        contacts = held.get(str(n))
        out[(facts, tuple(contact(day(d), *rest) for d, *rest in contacts) if contacts else ())] = obligations
    return out


def _facts(day, group, start, end, exempt, wo, short, team) -> EnrolmentFacts:
    return EnrolmentFacts(group, day(start), day(end) if end is not None else None, exempt, wo, short, team)


def _engine_rows(run_key: tuple, cache: dict) -> dict:
    def facts(f: EnrolmentFacts) -> list:
        return [f.target_group, f.start.toordinal(), f.end.toordinal() if f.end else None, f.exempt,
                f.work_obligation, f.short_absence, f.team]

    def held(contacts: tuple) -> list:
        return [[c.date.toordinal(), c.kind, c.channel, c.performed_by, c.outcome, c.id] for c in contacts]

    if run_key[0] == "held":
        return {"rows": [[facts(f), held(h), [[r, n, latest.toordinal(), st] for r, n, latest, st in obs]]
                         for (f, h), obs in cache.items()]}
    table: dict[tuple, int] = {}
    facts, flat, offsets, with_contacts = [], [], [0], {}
    for n, ((f, h), obs) in enumerate(cache.items()):
        facts.append(f)
        flat.extend(table.setdefault(ob, len(table)) for ob in obs)
        offsets.append(len(flat))
        if h:
            with_contacts[str(n)] = held(h)
    return {"table": [list(ob) for ob in table], "facts": [list(c) for c in zip(*facts, strict=True)],
            "flat": flat, "offsets": offsets, "held": with_contacts}
