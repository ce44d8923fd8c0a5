"""Claims a page checks on its own numbers, in three kinds shown apart.

* **identity** — two quantities the theory says are equal (the tolerance is numerical);
* **finding** — a direction the paper states (A beats B), judged on our run;
* **guard** — a bound that only catches broken code; it says nothing about the paper.

A paper's *number* is never a claim: it lives in the ledger (:mod:`aebook.results.papers`) and
only :func:`aebook.results.rule.judge` decides it. A claim's criterion is written in the page
before the run it judges, from the paper or from theory, and is the same in every profile where
the statement is: a finding asks for the direction or value its statement names. Where a criterion
uses the run's sampling error (a standard error, an interval), the rule is fixed, never its outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aebook.profiles import ChapterSettings
from aebook.results.table import Table, cell

#: The kinds of claim, in the order a page shows them.
KINDS = ("identity", "finding", "guard")


@dataclass(frozen=True)
class Claim:
    """One checked number. ``ok`` is computed by the constructors from ``ours`` and the criterion;
    ``statement`` is what the theory or the paper says (empty for a guard)."""

    kind: str
    name: str
    ours: float
    criterion: str
    ok: bool
    statement: str = ""
    unit: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        if self.kind == "guard" and self.statement:
            raise ValueError("a guard has no paper statement beside it")

    @classmethod
    def at_most(cls, kind, name, ours, bound, *, unit="", statement="") -> Claim:
        ours, bound = float(ours), float(bound)  # NumPy scalars would make ``ok`` a NumPy bool
        crit = f"≤ {cell(bound)} {unit}".strip()
        return cls(kind, name, ours, crit, ours <= bound, statement, unit)

    @classmethod
    def at_least(cls, kind, name, ours, bound, *, unit="", statement="") -> Claim:
        ours, bound = float(ours), float(bound)
        crit = f"≥ {cell(bound)} {unit}".strip()
        return cls(kind, name, ours, crit, ours >= bound, statement, unit)

    @classmethod
    def near(
        cls, kind, name, ours, target, tolerance, *, relative=False, unit="", statement=""
    ) -> Claim:
        """``abs(ours - target) <= tolerance`` (times ``abs(target)`` with ``relative=True``)."""
        ours, target, tolerance = float(ours), float(target), float(tolerance)
        allowed = tolerance * abs(target) if relative else tolerance
        tol = f"{100 * tolerance:.3g} %" if relative else f"{cell(tolerance)} {unit}".strip()
        ok = abs(ours - target) <= allowed
        return cls(kind, name, ours, f"{cell(target)} ± {tol}", ok, statement, unit)

    @classmethod
    def covers(cls, kind, name, ours, low, high, target, *, unit="", statement="") -> Claim:
        """``low <= target <= high``: ``target`` lies in the interval ``[low, high]`` around
        ``ours``, such as its 95 % sampling interval."""
        ours, low, high, target = float(ours), float(low), float(high), float(target)
        crit = f"{cell(target)} in [{cell(low)}, {cell(high)}] {unit}".strip()
        return cls(kind, name, ours, crit, low <= target <= high, statement, unit)

    @property
    def result(self) -> str:
        return "✓ holds" if self.ok else "✗ misses"


def claims_table(claims: Sequence[Claim], settings: ChapterSettings) -> Table:
    """The page's claims, grouped by kind; a guard has no statement column to fill."""
    order = sorted(claims, key=lambda c: KINDS.index(c.kind))
    rows = [
        [
            c.kind,
            c.name,
            c.statement or "—",
            f"{cell(c.ours)} {c.unit}".rstrip(),
            c.criterion,
            c.result,
        ]
        for c in order
    ]
    header = ["kind", "claim", "theory or paper says", "ours", "criterion", "result"]
    note = (
        f"Run in the `{settings.profile}` profile; every criterion was fixed before the run. "
        "Identities and findings test what the theory or the paper states; guards only catch "
        "broken code. The paper's numbers are judged apart, in the ledger table."
    )
    return Table(header, rows, note=note)


def check(claims: Sequence[Claim]) -> list[Claim]:
    """Raise AssertionError naming every identity or guard that does not hold (the code is wrong);
    return the findings that missed, which stay on the page as results, not as failures."""
    failed = [c for c in claims if not c.ok and c.kind != "finding"]
    if failed:
        lines = [
            f"  {c.name} ({c.kind}): ours {cell(c.ours)} {c.unit}, needed {c.criterion}"
            for c in failed
        ]
        raise AssertionError("These claims do not hold:\n" + "\n".join(lines))
    return [c for c in claims if not c.ok]
