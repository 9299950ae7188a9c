"""Issue 11 in the pure engine: rolling rules, local service levels layered on the statutory
sets, the transition policies, closed schemes' running courses and the sick-benefit flag.

Every date is explicit. Sources: shared/domain/reform-rules.md (Part A.2, B §1.2, §1.3, §2.3, §3).
"""

import copy
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.rulebook import DEFAULT_PATH, RuleBookError, load_rulebook, rulebook_from_dict
from citizens.compliance import Case, compliance_rows
from citizens.obligations import (
    LOCAL_LABEL,
    STATUTORY_LABEL,
    ContactFacts,
    EnrolmentFacts,
    add_months,
    evaluate,
    layered_rules,
    rule_layers,
)

BOOK = load_rulebook()
D = date
YEARLY = "jobhjaelp.kontakt-hver-12-mdr"
LOCAL_SET = "lokal-jobparat-3-mdr"


def talk(d, channel="fremmoede", kind="jobsamtale", by="kommune", outcome="held", id=None):
    return ContactFacts(date=d, kind=kind, channel=channel, performed_by=by, outcome=outcome, id=id)


def shipped() -> dict:
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def book_with(change) -> object:
    data = copy.deepcopy(shipped())
    change(data)
    return rulebook_from_dict(data)


def rule_set_dict(data: dict, code: str) -> dict:
    return next(s for s in data["rule_sets"] if s["code"] == code)


def yearly(obligations):
    return [o for o in obligations if o.rule == YEARLY]


# --- Rolling rules ----------------------------------------------------------------------------


def test_contact_on_x_makes_the_next_due_x_plus_12_months():
    """The issue's case: jobhjaelp from 1 Feb 2027, phone contact 15 Apr 2027. Under fixed periods
    nothing was overdue on 1 Aug 2028; rolling, the next contact was due 15 Apr 2028."""
    enrolment = EnrolmentFacts("jobhjaelp", D(2027, 2, 1))
    contacts = [talk(D(2027, 2, 3)), talk(D(2027, 4, 15), "telefon", kind="kontakt")]
    obs = yearly(evaluate(BOOK, enrolment, contacts, D(2028, 8, 1)))
    assert [(o.earliest, o.latest, o.status) for o in obs] == [
        (D(2027, 2, 1), D(2028, 2, 1), "met"),  # the first talk counts as a contact too
        (D(2027, 2, 3), D(2028, 2, 3), "met"),
        (D(2027, 4, 15), D(2028, 4, 15), "overdue"),
    ]
    assert "senest 12 måneder efter seneste kontakt (15.04.2027)" in obs[-1].explanation
    assert "15.04.2028" in obs[-1].explanation


def test_no_contact_at_all_is_due_start_plus_12_months():
    obs = yearly(evaluate(BOOK, EnrolmentFacts("jobhjaelp", D(2027, 2, 1)), [], D(2027, 3, 1)))
    assert [(o.latest, o.status) for o in obs] == [(D(2028, 2, 1), "open")]
    assert "senest 12 måneder efter start (01.02.2027)" in obs[0].explanation


def test_a_late_contact_restarts_the_clock_from_its_own_date():
    contacts = [talk(D(2027, 2, 3)), talk(D(2028, 6, 1), "telefon")]
    obs = yearly(evaluate(BOOK, EnrolmentFacts("jobhjaelp", D(2027, 2, 1)), contacts, D(2028, 7, 1)))
    assert [(o.latest, o.status, o.late) for o in obs] == [
        (D(2028, 2, 1), "met", False),
        (D(2028, 2, 3), "met", True),  # held four months late: leaves the worklist, counts as late
        (D(2029, 6, 1), "open", False),  # 12 months from the late contact, not from the deadline
    ]
    assert "Opfyldt for sent ved kontakt 01.06.2028" in obs[1].explanation


def test_rolling_n_months_from_a_window_start():
    """A rolling rule from month 6, every 3 months (the local set's shape), in what-if mode."""
    obs = evaluate(BOOK, EnrolmentFacts("kh-jobparat", D(2026, 7, 1)), [talk(D(2027, 2, 10), "video")],
                   D(2027, 3, 1), rule_set="reform-2026", local_sets=[LOCAL_SET])
    local = [o for o in obs if o.local]
    assert [(o.earliest, o.latest, o.status) for o in local] == [
        (D(2027, 1, 1), D(2027, 4, 1), "met"),
        (D(2027, 2, 10), D(2027, 5, 10), "open"),
    ]
    assert "senest 3 måneder efter vinduets start (01.01.2027)" in local[0].explanation


def test_contacts_that_do_not_count_do_not_reset_the_clock():
    """Only held municipal contacts count: an absent one or one held by the a-kasse does not."""
    contacts = [talk(D(2027, 5, 1), "telefon", outcome="absent"), talk(D(2027, 6, 1), by="a-kasse")]
    obs = yearly(evaluate(BOOK, EnrolmentFacts("jobhjaelp", D(2027, 2, 1)), contacts, D(2028, 3, 1)))
    assert [(o.latest, o.status) for o in obs] == [(D(2028, 2, 1), "overdue")]


def test_forecast_projection_continues_the_chain_on_the_deadlines():
    """Forecasts have no future contacts: ``project`` assumes each is held on its deadline."""
    obs = yearly(evaluate(BOOK, EnrolmentFacts("jobhjaelp", D(2027, 1, 1)), (), D(2030, 6, 1),
                          rule_set="lab-2027", project=True))
    assert [o.latest for o in obs] == [D(2028, 1, 1), D(2029, 1, 1), D(2030, 1, 1), D(2031, 1, 1)]


@pytest.mark.parametrize("change, message", [
    ({"cadence": "rolling", "count": 2}, "én kontakt ad gangen"),
    ({"cadence": "rolling", "recurring_every_months": None}, "kræver et antal måneder"),
    ({"cadence": "window", "recurring_every_months": 12}, "gentages ikke"),
    ({"cadence": "hver-anden"}, "ukendt opgørelse"),
    ({"cadence": "rolling", "first_deadline_days": 7}, "ingen særskilt frist"),
])
def test_contradicting_cadence_is_refused(change, message):
    def edit(data):
        rule = next(r for r in rule_set_dict(data, "lab-2027")["rules"] if r["code"] == YEARLY)
        rule.update(change)
    with pytest.raises(RuleBookError) as exc:
        book_with(edit)
    assert message in str(exc.value)


contact_days = st.lists(
    st.tuples(st.integers(0, 1800), st.sampled_from(["fremmoede", "telefon", "video", "digital"]),
              st.sampled_from(["kommune", "a-kasse"]), st.sampled_from(["held", "held", "absent"])),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=D(2027, 1, 1), max_value=D(2029, 12, 31)),
    raw=contact_days,
    on_offset=st.integers(0, 2200),
)
def test_no_gap_over_12_months_without_an_overdue_obligation(start, raw, on_offset):
    """Property: with the rolling yearly rule, every stretch of more than 12 months without a
    contact that counts (from the start or a contact, to the next contact or ``on``) is covered by
    an obligation due 12 months after its beginning that is overdue (still open) or met late."""
    from datetime import timedelta

    on = start + timedelta(days=on_offset)
    contacts = [talk(start + timedelta(days=d), ch, kind="kontakt", by=by, outcome=out, id=i)
                for i, (d, ch, by, out) in enumerate(raw)]
    obs = yearly(evaluate(BOOK, EnrolmentFacts("jobhjaelp", start), contacts, on, rule_set="lab-2027"))
    counting = sorted({c.date for c in contacts
                       if c.outcome == "held" and c.performed_by == "kommune" and c.date <= on})
    points = [start, *[d for d in counting if d > start]]
    by_earliest = {o.earliest: o for o in obs}
    for begin, finish in zip(points, [*points[1:], None], strict=True):
        due = add_months(begin, 12)
        ob = by_earliest[begin]
        assert ob.latest == due
        if finish is None:  # the stretch still running on ``on``
            assert (ob.status == "overdue") == (on > due)
            assert ob.status in ("overdue", "open", "due_soon")
        else:
            assert ob.status == "met" and ob.met_by.date == finish
            assert ob.late == (finish > due)
    # Nothing else is overdue: at most one obligation is still open, the last one.
    assert [o.status for o in obs[:-1] if o.status != "met"] == []


# --- Local service levels ---------------------------------------------------------------------


def test_local_layer_is_added_and_labelled():
    obs = evaluate(BOOK, EnrolmentFacts("kh-jobparat", D(2026, 7, 1)), [talk(D(2026, 7, 3))], D(2027, 3, 1))
    local = [o for o in obs if o.local]
    statutory = [o for o in obs if not o.local]
    assert [(o.rule_set, o.latest) for o in local] == [(LOCAL_SET, D(2027, 4, 1))]
    assert local[0].source_label == LOCAL_LABEL == "lokalt serviceniveau"
    assert "Lokalt serviceniveau (" in local[0].explanation and "ikke lovkrav" in local[0].explanation
    assert "Illustrativt eksempel." in local[0].explanation
    assert statutory and {o.source_label for o in statutory} == {STATUTORY_LABEL} == {"lovkrav"}


def test_local_layer_only_for_its_own_groups():
    """'For jobparate': kh-jobparat (and jobsoegning from 2027), not the other groups mapped there."""
    for group in ("uh-uddannelsesparat", "ledighedsydelse", "dagpenge"):
        obs = evaluate(BOOK, EnrolmentFacts(group, D(2026, 7, 1)), [], D(2027, 3, 1))
        assert not any(o.local for o in obs), group
    obs = evaluate(BOOK, EnrolmentFacts("jobsoegning", D(2027, 1, 4)), [], D(2027, 8, 1))
    assert [o.latest for o in obs if o.local] == [D(2027, 10, 4)]


def test_local_layer_switched_off_per_team():
    book = book_with(lambda data: rule_set_dict(data, LOCAL_SET).update(teams_off=[7]))
    off = evaluate(book, EnrolmentFacts("kh-jobparat", D(2026, 7, 1), team=7), [], D(2027, 3, 1))
    on = evaluate(book, EnrolmentFacts("kh-jobparat", D(2026, 7, 1), team=8), [], D(2027, 3, 1))
    assert not any(o.local for o in off)
    assert any(o.local for o in on)
    assert [o for o in off] == [o for o in on if not o.local]  # statutory ones unchanged
    assert [rs.code for rs in rule_layers(book, D(2027, 3, 1), team=7)] == ["lab-2027"]
    assert [rs.code for rs in rule_layers(book, D(2027, 3, 1), team=8)] == ["lab-2027", LOCAL_SET]


def test_local_layer_needs_a_statutory_set_in_force():
    book = book_with(lambda data: rule_set_dict(data, "lab-2027").update(status="retired"))
    obs = evaluate(book, EnrolmentFacts("kh-jobparat", D(2026, 7, 1)), [], D(2027, 3, 1))
    assert not any(o.local for o in obs)


def _competing_local(data):
    """A local rule that wants 2 talks in the first month: it must not take statutory contacts."""
    data["rule_sets"].append({
        "code": "lokal-tidlig", "name": "Tidlige samtaler", "status": "active", "kind": "local",
        "valid_from": "2024-01-01",
        "rules": [{"code": "kh-jobparat.tidlige", "target_group": "kh-jobparat", "kind": "jobsamtale",
                   "count": 2, "window_from_months": 0, "window_to_months": 1, "legal_reference": "lokal"}],
    })


LOCAL_BOOK = book_with(_competing_local)


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    group=st.sampled_from(["kh-jobparat", "jobsoegning", "dagpenge", "kh-aktivitetsparat"]),
    raw=contact_days,
    on_offset=st.integers(0, 900),
)
def test_a_local_layer_never_hides_a_statutory_obligation(start, group, raw, on_offset):
    """Property: the statutory obligations are exactly those without any local layer."""
    from datetime import timedelta

    on = start + timedelta(days=on_offset)
    contacts = [talk(start + timedelta(days=d // 4), ch, by=by, outcome=out, id=i)
                for i, (d, ch, by, out) in enumerate(raw)]
    layered = evaluate(LOCAL_BOOK, EnrolmentFacts(group, start), contacts, on)
    plain = evaluate(LOCAL_BOOK, EnrolmentFacts(group, start), contacts, on, local_sets=())
    assert [o for o in layered if not o.local] == plain


def test_competing_local_rule_gets_only_the_contacts_left_over():
    contacts = [talk(D(2026, 7, 2)), talk(D(2026, 7, 10), "telefon")]
    obs = evaluate(LOCAL_BOOK, EnrolmentFacts("kh-jobparat", D(2026, 7, 1)), contacts, D(2026, 7, 20))
    met = {(o.rule, o.number): o.met_by.date if o.met_by else None for o in obs}
    assert met[("kh-jobparat.foerste-jobsamtale", 1)] == D(2026, 7, 2)
    assert met[("kh-jobparat.jobsamtaler-0-6-mdr", 1)] == D(2026, 7, 10)
    assert met[("kh-jobparat.tidlige", 1)] is None and met[("kh-jobparat.tidlige", 2)] is None


def test_layered_rules_api_for_the_forecast():
    """The forecast prices statutory + local rules: (rule, set) pairs with ``set.local``."""
    pairs = layered_rules(BOOK, "kh-jobparat", D(2026, 9, 1))
    assert {(rs.code, rs.local) for _r, rs in pairs} == {("reform-2026", False), (LOCAL_SET, True)}
    what_if = layered_rules(BOOK, "jobsoegning", D(2026, 9, 1), rule_set="lab-2027", local_sets=[LOCAL_SET])
    assert [r.code for r, rs in what_if if rs.local] == ["jobsoegning.lokal-jobsamtale-hver-3-mdr"]
    assert layered_rules(BOOK, "kh-jobparat", D(2026, 9, 1), local_sets=()) == tuple(
        p for p in pairs if not p[1].local)


def test_what_if_mode_has_no_local_layer_unless_named():
    enrolment = EnrolmentFacts("kh-jobparat", D(2026, 7, 1))
    assert not any(o.local for o in evaluate(BOOK, enrolment, [], D(2027, 3, 1), rule_set="reform-2026"))
    named = evaluate(BOOK, enrolment, [], D(2027, 3, 1), rule_set="reform-2026", local_sets=[LOCAL_SET])
    assert any(o.local for o in named)
    with pytest.raises(KeyError):
        evaluate(BOOK, enrolment, [], D(2027, 3, 1), local_sets=["findes-ikke"])


# --- Transitions ------------------------------------------------------------------------------


def test_kh_jobparat_course_from_may_2026_crossing_1_july():
    """T1 (deadline policy at reform-2026): the first talk (due in May) stays a lab-2024 talk for
    100 %; the talks of the first 6 months are due after 1 July, so reform-2026 governs them: 3
    talks, counted against the 75 % quota and open to the 25 % exemption. No lab-2024 window talk
    is owed after 1 July."""
    enrolment = EnrolmentFacts("kh-jobparat", D(2026, 5, 4))
    contacts = [talk(D(2026, 5, 6)), talk(D(2026, 6, 10), "telefon")]
    obs = evaluate(BOOK, enrolment, contacts, D(2026, 9, 1), local_sets=())
    assert [(o.rule_set, o.rule.split(".")[1], o.number, o.latest, o.quota_pct, o.status) for o in obs] == [
        ("lab-2024", "foerste-jobsamtale", 1, D(2026, 5, 11), 100, "met"),
        ("reform-2026", "jobsamtaler-0-6-mdr", 1, D(2026, 11, 3), 75, "met"),
        ("reform-2026", "jobsamtaler-0-6-mdr", 2, D(2026, 11, 3), 75, "open"),
        ("reform-2026", "jobsamtaler-0-6-mdr", 3, D(2026, 11, 3), 75, "open"),
    ]
    assert all("Overgangsregel (foreløbig)" in o.explanation for o in obs[1:])
    assert "Overgangsregel" not in obs[0].explanation
    # The quota applies to this May cohort's 6-month talks; an exempt citizen is waived from them.
    exempt = evaluate(BOOK, EnrolmentFacts("kh-jobparat", D(2026, 5, 4), exempt=True), contacts[:1],
                      D(2026, 9, 1), local_sets=())
    assert [o.status for o in exempt] == ["met", "waived", "waived", "waived"]
    rows = compliance_rows([Case(1, 1, 1, enrolment.start, obs)], D(2026, 9, 1))
    assert [(r.cohort, r.pool.quota_pct) for r in rows] == [("2026-05", 75)]


def test_course_started_before_july_with_deadline_before_july_keeps_lab_2024():
    obs = evaluate(BOOK, EnrolmentFacts("kh-jobparat", D(2025, 12, 1)), [], D(2026, 6, 1), local_sets=())
    assert {o.rule_set for o in obs} == {"lab-2024"}
    assert [o.of for o in obs if o.rule.endswith("0-6-mdr")] == [3, 3, 3]


def test_ressourceforloeb_on_31_december_continues_without_a_new_first_talk():
    """T2 (window-start policy at lab-2027, provisional): the course goes on under its mapped
    group (jobhjaelp) with its original clock: no new first talk; the yearly contact is due 12
    months after the last contact, and the explanation shows the transition policy."""
    enrolment = EnrolmentFacts("ressourceforloeb", D(2025, 6, 2))
    contacts = [talk(D(2025, 6, 5)), talk(D(2026, 10, 1), "telefon")]
    obs = evaluate(BOOK, enrolment, contacts, D(2027, 3, 1))
    new = [o for o in obs if o.rule_set == "lab-2027"]
    assert [(o.rule, o.latest, o.status) for o in new] == [(YEARLY, D(2027, 10, 1), "open")]
    assert "Overgangsregel (foreløbig)" in new[0].explanation
    assert not any(o.rule == "jobhjaelp.foerste-jobsamtale" for o in obs)


def test_jobafklaring_on_31_december_continues_in_the_sick_benefit_group():
    enrolment = EnrolmentFacts("jobafklaring", D(2026, 3, 2))
    obs = evaluate(BOOK, enrolment, [], D(2027, 3, 1))
    assert not [o for o in obs if o.rule_set == "lab-2027"]  # no new first talk under the new act
    assert {o.rule_set for o in obs} <= {"lab-2024", "reform-2026"}


def test_restart_policy_gives_a_new_first_talk_on_the_switch_date():
    """The admin's alternative (T3, 'restart'): a citizen moved to a 2027 group starts over on 1.1.2027."""
    book = book_with(lambda data: rule_set_dict(data, "lab-2027").update(transition="restart"))
    obs = evaluate(book, EnrolmentFacts("ressourceforloeb", D(2025, 6, 2)), [talk(D(2026, 10, 1))],
                   D(2027, 3, 1))
    new = [(o.rule, o.earliest, o.latest) for o in obs if o.rule_set == "lab-2027"]
    assert new == [
        ("jobhjaelp.foerste-jobsamtale", D(2027, 1, 1), D(2027, 1, 8)),
        (YEARLY, D(2027, 1, 1), D(2028, 1, 1)),
    ]
    assert all("Overgangsregel (foreløbig)" in o.explanation for o in obs if o.rule_set == "lab-2027")


def test_dagpenge_in_the_akasse_phase_on_1_july_2026():
    """T1 for dagpenge: in the a-kasse phase on the switch date, the a-kasse's first talk was due
    under lab-2024; the rest of the a-kasse phase and the municipal months 3-6 follow reform-2026
    (2 talks for 75 %, not 3 for everyone)."""
    obs = evaluate(BOOK, EnrolmentFacts("dagpenge", D(2026, 5, 15)), [], D(2026, 7, 1), local_sets=())
    assert [(o.rule_set, o.rule.split(".")[1], o.number, o.of, o.latest) for o in obs] == [
        ("lab-2024", "akasse-foerste-jobsamtale", 1, 1, D(2026, 5, 29)),
        ("reform-2026", "akasse-jobsamtaler", 1, 1, D(2026, 8, 14)),
        ("reform-2026", "jobsamtaler-3-6-mdr", 1, 2, D(2026, 11, 14)),
        ("reform-2026", "jobsamtaler-3-6-mdr", 2, 2, D(2026, 11, 14)),
        ("reform-2026", "16-maaneders-samtale", 1, 1, D(2027, 9, 14)),
    ]
    assert {o.status for o in obs[:2]} == {"not_municipal"}


def test_dagpenge_in_the_akasse_phase_on_1_january_2027():
    """T2 for dagpenge: the a-kasse phase that began in 2026 ends under reform-2026; the municipal
    phase (from month 3, in 2027) and the 16-month talk follow lab-2027."""
    obs = evaluate(BOOK, EnrolmentFacts("dagpenge", D(2026, 11, 16)), [], D(2027, 1, 1), local_sets=())
    assert [(o.rule_set, o.rule.split(".")[1], o.latest) for o in obs] == [
        ("reform-2026", "akasse-foerste-jobsamtale", D(2026, 11, 30)),
        ("reform-2026", "akasse-jobsamtaler", D(2027, 2, 15)),
        ("lab-2027", "jobsamtaler-3-6-mdr", D(2027, 5, 15)),
        ("lab-2027", "jobsamtaler-3-6-mdr", D(2027, 5, 15)),
        ("lab-2027", "16-maaneders-samtale", D(2028, 3, 15)),
    ]
    assert "Overgangsregel (foreløbig)" in obs[1].explanation


def test_jobafklaring_from_1_october_2026_keeps_its_q1_2027_talks():
    """T2: the old rules apply to the course until 31.12.2026; its 4-in-6 window began then, so
    the 4 talks due 31.03.2027 are finished under reform-2026 instead of disappearing."""
    obs = evaluate(BOOK, EnrolmentFacts("jobafklaring", D(2026, 10, 1)), [talk(D(2026, 11, 2), "telefon")],
                   D(2027, 2, 1))
    assert [(o.rule_set, o.rule, o.number, o.latest, o.status) for o in obs] == [
        ("reform-2026", "jobafklaring.jobsamtaler-0-6-mdr", k, D(2027, 3, 31), "met" if k == 1 else "open")
        for k in (1, 2, 3, 4)
    ]
    assert all("Overgangsregel (foreløbig)" in o.explanation for o in obs)


def test_deadline_policy_would_drop_them_which_is_why_lab_2027_finishes_windows():
    book = book_with(lambda data: rule_set_dict(data, "lab-2027").update(transition="deadline"))
    obs = evaluate(book, EnrolmentFacts("jobafklaring", D(2026, 10, 1)), [], D(2027, 2, 1))
    assert not any(o.rule.startswith("jobafklaring.") for o in obs)


def test_running_ressourceforloeb_after_closure_keeps_its_obligations():
    """Closed schemes (lov 1750): a course started before the closure keeps its talks."""
    assert BOOK.target_group("ressourceforloeb").closed_on(D(2026, 2, 1))
    assert not BOOK.target_group("ressourceforloeb").closed_on(D(2026, 1, 31))
    obs = evaluate(BOOK, EnrolmentFacts("ressourceforloeb", D(2026, 1, 15)), [], D(2026, 3, 1))
    own = [o for o in obs if o.rule == "ressourceforloeb.jobsamtaler-0-6-mdr"]
    assert [o.of for o in own] == [4, 4, 4, 4] and {o.latest for o in own} == {D(2026, 7, 14)}
    # ... and from 2027 it goes on under jobhjaelp's yearly contact, from its own start.
    assert [(o.rule, o.latest) for o in obs if o.rule_set == "lab-2027"] == [(YEARLY, D(2027, 1, 15))]


# --- Sick benefit ------------------------------------------------------------------------------


@pytest.mark.parametrize("short, rule_set, start, expected", [
    (True, "reform-2026", D(2026, 7, 6), []),
    (False, "reform-2026", D(2026, 7, 6), ["sygedagpenge.opfoelgningssamtale-0-6-mdr"]),
    (True, "lab-2027", D(2027, 1, 4), []),
    (False, "lab-2027", D(2027, 1, 4), ["sygedagpengeindsats.opfoelgningssamtale-0-6-mdr"]),
    (True, "lab-2024", D(2025, 1, 6), ["sygedagpenge.foerste-opfoelgningssamtale"]),
    (False, "lab-2024", D(2025, 1, 6), ["sygedagpenge.foerste-opfoelgningssamtale"]
     + ["sygedagpenge.opfoelgningssamtaler-0-6-mdr"] * 3),
])
def test_sick_benefit_flag(short, rule_set, start, expected):
    """lov 1750: expected absence under 26 weeks -> no municipal follow-up talks as a rule; others
    at least one in the first half-year. lab-2024: the 2024 agreement cut uncomplicated cases to
    1 talk, so only the others keep 4 (provisional: the split is not confirmed in detail)."""
    group = "sygedagpengeindsats" if rule_set == "lab-2027" else "sygedagpenge"
    enrolment = EnrolmentFacts(group, start, short_absence=short)
    obs = evaluate(BOOK, enrolment, [], start, rule_set=rule_set)
    assert [o.rule for o in obs] == expected
    for o in obs:
        if o.rule.endswith("-0-6-mdr"):
            assert o.provisional and "Gælder ikke ved forventet fravær under 26 uger." in o.explanation
