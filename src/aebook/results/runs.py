"""A page's recorded runs as the page itself shows them (its "Running it yourself" cell)."""

from __future__ import annotations

from pathlib import Path

from aebook.checks import check_choice
from aebook.profiles import PROFILES
from aebook.results.freshness import freshness
from aebook.results.ledger import PaperSettings, ledger_table
from aebook.results.papers import LEDGER
from aebook.results.records import Record, results_dir
from aebook.results.table import Table


def recorded_line(record: Record) -> str:
    """The line that opens a recorded run on its page: profile, day, whether the code changed
    since (:func:`~aebook.results.freshness.freshness`), hardware."""
    return (
        f"Recorded run: profile `{record.profile}`, {record.date[:10]}, {freshness(record)}, "
        f"{record.hardware}."
    )


class RecordedPage:
    """A page's recorded run in one profile, as the page shows it: where and when it ran (and
    whether the code changed since), its paper numbers judged, its claims and measurements."""

    def __init__(
        self,
        page: str,
        profile: str,
        record: Record | None,
        paper_settings: PaperSettings | None = None,
    ):
        self.page, self.profile, self.record = page, profile, record
        self.paper_settings = paper_settings

    @property
    def measurements(self) -> dict[str, float]:
        return dict(self.record.measurements) if self.record else {}

    def _repr_markdown_(self) -> str:
        r = self.record
        if r is None:
            return (
                f"*No recorded `{self.profile}` run of `{self.page}`: run "
                "`scripts/reproduce.py` on this page to record one.*"
            )
        out = [recorded_line(r), ""]
        if any(n.page == r.chapter for n in LEDGER):
            table = ledger_table(r, self.paper_settings, title="The paper's numbers")
            out += [table._repr_markdown_(), ""]
        if r.claims:
            rows = [[c.kind, c.name, f"{c.ours:.4g} {c.unit}".rstrip(), c.criterion, c.result]
                    for c in r.claims]  # fmt: skip
            header = ["kind", "claim", "ours", "criterion", "result"]
            out += [Table(header, rows, title="Claims")._repr_markdown_(), ""]
        rows = [[name, value] for name, value in r.measurements.items()]
        out += [Table(["quantity", "value"], rows, title="Measurements")._repr_markdown_()]
        return "\n".join(out)

    def __repr__(self) -> str:
        return self._repr_markdown_()


class RecordedRuns:
    """Every profile's recorded run of a page, longest profile first: the ``paper`` run, whose
    outputs the website shows while it is valid, then the ``standard`` one."""

    def __init__(self, page: str, runs: list[RecordedPage]):
        self.page, self.runs = page, runs

    def _repr_markdown_(self) -> str:
        if not self.runs:
            return (
                f"*No recorded run of `{self.page}`: run `scripts/reproduce.py` on this page "
                "to record one.*"
            )
        return "\n\n".join(run._repr_markdown_() for run in self.runs)

    def __repr__(self) -> str:
        return self._repr_markdown_()


def recorded(
    page: str,
    profile: str | None = None,
    root: Path | str | None = None,
    *,
    paper_settings: PaperSettings | None = None,
) -> RecordedPage | RecordedRuns:
    """The run of ``page`` recorded in ``profile`` under ``root`` (default: the repository's
    ``results/``), its paper numbers judged with ``paper_settings``; says so when there is none.
    Without ``profile``: the runs recorded in every profile, longest first."""
    root = results_dir() if root is None else Path(root)
    if profile is None:
        runs = [recorded(page, p, root, paper_settings=paper_settings) for p in reversed(PROFILES)]
        return RecordedRuns(page, [run for run in runs if run.record is not None])
    check_choice("profile", profile, PROFILES)
    path = root / profile / f"{page}.json"
    found = Record.read(path) if path.exists() else None
    return RecordedPage(page, profile, found, paper_settings)
