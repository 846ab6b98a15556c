"""An evaluation runs with the cyclic garbage collector paused (its many short-lived
objects set off collections that walked everything the worker keeps alive) and always
leaves the collector as it found it, also when the evaluation fails."""

import gc

import pytest

from app.services.evaluation import compute, figures, scheme
from tests.factories_evaluation import PERIOD, make_world


def _evaluate(session, world):
    return compute.evaluate(
        session,
        cohort_ids=[world["cohort_a"].id, world["cohort_b"].id],
        period=PERIOD,
        params=scheme.default_params(),
        scheme_version=1,
    )


@pytest.fixture
def collector_on():
    was_on = gc.isenabled()
    gc.enable()
    yield
    if not was_on:
        gc.disable()


def test_the_collector_is_paused_during_an_evaluation_and_on_again_after(
    session, monkeypatch, collector_on
):
    world = make_world(session)
    seen = []
    reading = figures.students

    def students(*args, **kwargs):
        seen.append(gc.isenabled())
        return reading(*args, **kwargs)

    monkeypatch.setattr(figures, "students", students)
    result = _evaluate(session, world)
    assert seen == [False]
    assert gc.isenabled()
    assert len(result.students) == 4


def test_a_failing_evaluation_turns_the_collector_on_again(session, monkeypatch, collector_on):
    world = make_world(session)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(figures, "students", broken)
    with pytest.raises(RuntimeError):
        _evaluate(session, world)
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off(session):
    world = make_world(session)
    gc.disable()
    try:
        _evaluate(session, world)
        assert not gc.isenabled()
    finally:
        gc.enable()
