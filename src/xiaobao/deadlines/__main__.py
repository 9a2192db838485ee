"""Command line for auditors and for checking by hand; needs no database.

    python -m xiaobao.deadlines due CMP-T1 2026-02-05 [--paused-days N]
    python -m xiaobao.deadlines explain CMP-T1 2026-02-05 [--pause 2026-02-10:2026-02-13] [--restart DATE]
    python -m xiaobao.deadlines rules

An unknown rule, a malformed date or a year the calendar does not hold:
exit status 2 and a message saying which.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from xiaobao.deadlines.clock import Pause, compute, due_date
from xiaobao.deadlines.rules import DEFAULT, UnknownRule
from xiaobao.kernel.calendar import CalendarYearNotLoaded
from xiaobao.kernel.state_council import seed_calendar

USAGE_ERROR = 2


class CliError(Exception):
    pass


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"malformed date {text!r}: write it as YYYY-MM-DD") from None


def _pause(text: str) -> Pause:
    first, sep, last = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"malformed pause {text!r}: write it as START:END (YYYY-MM-DD:YYYY-MM-DD)")
    return Pause(_date(first), _date(last))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m xiaobao.deadlines", description="Statutory deadlines of RULES.md.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("due", "print the due date"), ("explain", "print how the due date is reached")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("rule_id", help="a rule id from RULES.md, e.g. CMP-T1")
        sub.add_argument("start", type=_date, help="the start date, YYYY-MM-DD (the day of receipt)")
        sub.add_argument("--paused-days", type=int, default=0, help="days the clock stood still (CMP-T4)")
        if name == "explain":
            sub.add_argument("--pause", type=_pause, action="append", default=[], help="START:END of a pause")
            sub.add_argument("--restart", type=_date, help="the day new facts were received (CMP-T5)")
    commands.add_parser("rules", help="list the rules")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "rules":
            for rule in DEFAULT:
                print(f"{rule.id:<16} {DEFAULT.total_length(rule):>3} {rule.unit.value:<13} {rule.what}")
            return 0
        rule = DEFAULT[args.rule_id]
        if args.paused_days < 0:
            raise CliError("--paused-days cannot be negative")
        calendar = seed_calendar()
        if args.command == "due":
            print(f"{due_date(rule, args.start, calendar, paused_days=args.paused_days):%Y-%m-%d}")
            return 0
        pauses = list(args.pause)
        if args.paused_days:
            pauses.append(Pause(args.start, date.fromordinal(args.start.toordinal() + args.paused_days)))
        print(compute(rule, args.start, calendar, pauses=pauses, restarted_on=args.restart).explain())
        return 0
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
    except UnknownRule as error:
        print(
            f"error: unknown rule {error.params['rule_id']!r}; known rules: {', '.join(DEFAULT.ids())}", file=sys.stderr
        )
    except CalendarYearNotLoaded as error:
        years = seed_calendar().years
        print(
            f"error: the working-day calendar does not hold {error.year} (it holds {years[0]}–{years[-1]}); "
            "no deadline is guessed",
            file=sys.stderr,
        )
    return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
