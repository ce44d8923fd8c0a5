"""The scoreboard: the paper numbers' verdicts first, then one card per paper, then each run.

It reads every record under ``results/`` (:func:`~aebook.results.records.load_records`), says of
each whether its page or the package files it imported changed since
(:func:`~aebook.results.freshness.freshness`), and never lets a ✓ stand beside a paper number:
those carry the rule's verdict only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aebook.results.claims import KINDS
from aebook.results.freshness import freshness
from aebook.results.ledger import PaperSettings, assess, summary_line
from aebook.results.papers import LEDGER
from aebook.results.records import Record, load_records
from aebook.results.rule import VERDICTS
from aebook.results.table import Table

#: The book's parts, by the pages (records) that belong to each; the title names the paper.
PARTS = {
    "Foundations": ("foundations",),
    "Vincent et al. 2008 — denoising autoencoders": (
        "denoising_autoencoders", "stacked_denoising_autoencoders",
    ),
    "Vincent 2011 — score matching": ("score_matching", "learned_scores"),
    "Kingma & Welling 2013 — VAE (with Burda et al. 2015)": (
        "vae", "vae_manifolds", "vae_likelihood",
    ),
    "Kingma et al. 2014 — M2": ("m2",),
    "Bank et al. 2020 — the survey": (
        "families", "beta_vae", "posteriors", "anomaly_detection", "classification",
        "clustering", "dimensionality_reduction", "recommendation",
    ),
}  # fmt: skip

JUDGED = ("standard", "paper")  #: profiles whose records the ledger judges (never smoke)


class Scoreboard:
    """Every recorded run, told in the order of issue 13: paper numbers, cards, then the runs."""

    def __init__(self, records: Sequence[Record], paper_settings: PaperSettings | None = None):
        self.records = [r for r in records if r.profile in JUDGED]
        self.paper_settings = paper_settings

    @property
    def profiles(self) -> list[str]:
        return [p for p in JUDGED if any(r.profile == p for r in self.records)]

    def lines(self) -> list[str]:
        return [summary_line(self.records, p, self.paper_settings) for p in self.profiles]

    def numbers(self, profile: str, *, break_paths: bool = True) -> Table:
        """Every number of the ledger, the paper's against the ``profile``'s, with its verdict.

        A verdict's reason (why a number is not comparable or not run) is often a sentence; in a
        table cell it would make the row as tall as a screen, so it is a numbered note below the
        table, one note per distinct reason. With ``break_paths`` a path in ``where`` may break
        after each slash (a zero-width space), else its width alone would push the table past a
        page's column; the command line turns it off, so that a copied path is the path."""
        by_page = {r.chapter: r for r in self.records if r.profile == profile}
        rows, reasons = [], {}
        for n in LEDGER:
            ours, verdict = assess(n, by_page.get(n.page), self.paper_settings)
            paper = "not read yet" if n.value is None else f"{n.value:g} {n.uncertainty}"
            mine = "—" if ours is None else f"{ours.value:.4g}"
            shown = verdict.status
            if verdict.reason and verdict.status == "missed":
                shown = str(verdict)  # the size of the miss is short and belongs in the row
            elif verdict.reason:
                shown += f" (note {reasons.setdefault(verdict.reason, len(reasons) + 1)})"
            where = n.where.replace("/", "/\u200b") if break_paths else n.where
            rows.append([n.quantity, f"{where} ({n.source})", paper, mine, shown])
        header = ["number", "where (source)", "paper", "ours", "verdict"]
        note = "\n".join(f"{i}. {reason}" for reason, i in reasons.items()) or None
        return Table(header, rows, title=f"`{profile}` profile", note=note)

    def _card(self, title: str, pages: Sequence[str]) -> str:
        rows = []
        for p in self.profiles:
            runs = {r.chapter: r for r in self.records if r.profile == p and r.chapter in pages}
            numbers = [n for n in LEDGER if n.page in pages and not n.reference]
            statuses = [assess(n, runs.get(n.page), self.paper_settings)[1].status for n in numbers]
            tally = " / ".join(str(statuses.count(s)) for s in VERDICTS)
            kinds = []
            for kind in KINDS:
                claims = [c for r in runs.values() for c in r.claims if c.kind == kind]
                kinds.append(f"{sum(c.ok for c in claims)} of {len(claims)}" if claims else "—")
            rows.append([f"`{p}`", f"{tally} (of {len(numbers)})" if numbers else "—", *kinds])
        header = [
            "profile", "paper numbers: reproduced / missed / not comparable / not run",
            "identities hold", "findings hold", "guards hold",
        ]  # fmt: skip
        return Table(header, rows, title=title)._repr_markdown_()

    def _repr_markdown_(self) -> str:
        if not self.records:
            return "*No recorded runs yet: run `scripts/reproduce.py` to record one.*"
        out = [f"- **{line}**" for line in self.lines()]  # a list: one line per profile
        out += ["", "### One card per paper", ""]
        for title, pages in PARTS.items():
            out += [self._card(title, pages), ""]
        out += ["### Every paper number", ""]
        for p in self.profiles:
            out += [self.numbers(p)._repr_markdown_(), ""]
        out += ["### Each recorded run", ""]
        for r in self.records:
            title = f"{r.chapter} · `{r.profile}` run of {r.date[:10]}, {freshness(r)}"
            rows = [[c.kind, c.name, c.statement or "—", f"{c.ours:.4g} {c.unit}".rstrip(),
                     c.criterion, c.result] for c in r.claims]  # fmt: skip
            header = ["kind", "claim", "theory or paper says", "ours", "criterion", "result"]
            out += [Table(header, rows, title=title)._repr_markdown_(), ""]
        return "\n".join(out).rstrip() + "\n"


def scoreboard(
    root: Path | str | None = None, *, paper_settings: PaperSettings | None = None
) -> Scoreboard:
    """The scoreboard of the records under ``root`` (default: the repository's ``results/``),
    judged with ``paper_settings`` (:func:`aebook.experiments.paper_settings`)."""
    return Scoreboard(load_records(root), paper_settings)
