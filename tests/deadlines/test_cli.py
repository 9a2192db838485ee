"""The command line: the due date alone on its line; exit status 2 with a reason for bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xiaobao.deadlines.__main__ import main


def test_due_prints_the_date_alone_on_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "CMP-T1", "2026-02-05"]) == 0
    assert capsys.readouterr().out == "2026-02-24\n"


def test_paused_days_move_the_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "CMP-T1", "2026-03-02", "--paused-days", "7"]) == 0
    assert capsys.readouterr().out == "2026-03-24\n"


def test_rule_ids_are_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["due", "clm-t6", "2025-04-30"]) == 0
    assert capsys.readouterr().out == "2025-05-12\n"


def test_explain_prints_the_reasoning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "CMP-T1", "2026-02-05", "--pause", "2026-02-06:2026-02-08"]) == 0
    out = capsys.readouterr().out
    assert "day 1 is 02-06" in out
    assert "2 calendar days do not count" in out
    assert out.strip().endswith("Due: 2026-02-24.")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["due", "CMP-T1", "2030-01-01"], "does not hold 2030"),
        (["due", "CMP-T1", "2026-12-20"], "does not hold 2027"),
        (["due", "CMP-T99", "2026-01-05"], "unknown rule 'CMP-T99'"),
        (["due", "CMP-T1", "2026-02-30"], "malformed date '2026-02-30'"),
        (["due", "CMP-T1", "05/02/2026"], "malformed date"),
        (["due", "CMP-T1", "2026-02-05", "--paused-days", "-1"], "cannot be negative"),
        (["explain", "CMP-T1", "2026-02-05", "--pause", "2026-02-06"], "malformed pause"),
        ([], "required"),
    ],
)
def test_bad_input_exits_2_and_says_which(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert says in captured.err
    assert captured.out == ""


def test_the_module_runs_as_a_program_without_a_database() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "xiaobao.deadlines", "due", "CMP-T6", "2026-09-28"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "2026-10-13\n")
    refused = subprocess.run(
        [sys.executable, "-m", "xiaobao.deadlines", "due", "CMP-T1", "2030-03-01"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert refused.returncode == 2
    assert "2030" in refused.stderr
