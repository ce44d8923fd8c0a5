"""``python -m aebook scoreboard [--profile P] [--numbers]``: the paper numbers' verdicts, one line a
profile, and with ``--numbers`` every number's row (the paper's, ours, the verdict and why)."""

from __future__ import annotations

import argparse
import sys

from aebook.experiments import paper_settings
from aebook.results import load_records, summary_line
from aebook.results.scoreboard import JUDGED, Scoreboard


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aebook")
    commands = parser.add_subparsers(dest="command", required=True)
    board = commands.add_parser("scoreboard", help="the verdicts on the papers' numbers")
    board.add_argument("--profile", choices=JUDGED, help="only this profile")
    board.add_argument(
        "--numbers", action="store_true", help="also every paper number, ours and its verdict"
    )
    args = parser.parse_args(argv)
    records = load_records()
    profiles = [args.profile] if args.profile else [
        p for p in JUDGED if any(r.profile == p for r in records)
    ]  # fmt: skip
    if not profiles:
        print("no recorded standard or paper runs under results/")
    for profile in profiles:
        print(summary_line(records, profile, paper_settings))
        if args.numbers:
            table = Scoreboard(records, paper_settings).numbers(profile, break_paths=False)
            print(f"\n{table._repr_markdown_()}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
