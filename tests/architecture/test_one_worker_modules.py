"""The tests that must share one xdist worker do (tests/conftest.py's scheduler): pytest-xdist's own
`xdist_group` mark is lost under pytest 9, so every module carrying it is named in ONE_WORKER_MODULES."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ONE_WORKER_MODULES, one_worker_scope

TESTS = Path(__file__).resolve().parents[1]


def test_both_cluster_tests_are_one_unit_of_work_and_other_tests_are_not_grouped() -> None:
    cluster = "tests/scaleout/test_cluster.py"
    first = one_worker_scope(f"{cluster}::test_the_two_workers_enqueue_each_periodic_task_once")
    second = one_worker_scope(f"{cluster}::test_a_complaint_through_the_proxy_is_registered_and_its_notice_sent_once")
    assert first == second == cluster
    assert one_worker_scope("tests/scaleout/test_settings.py::test_the_database_queue_is_the_default") is None


def test_every_module_with_an_xdist_group_is_kept_on_one_worker() -> None:
    grouped = {
        path.relative_to(TESTS.parent).as_posix()
        for path in TESTS.rglob("test_*.py")
        if path != Path(__file__).resolve() and "mark.xdist_group" in path.read_text(encoding="utf-8")
    }
    assert grouped == set(ONE_WORKER_MODULES)
    assert all((TESTS.parent / module).is_file() for module in ONE_WORKER_MODULES)
