"""The one rule that says whether a paper's number is reproduced.

A paper states a number with its own kind of uncertainty (a 95 % interval, a spread over runs, a
value read off a figure, or only its printed digits); we state ours with ours (a binomial interval
for an error rate, the spread over seeds, the standard error of an importance-sampled estimate).
:func:`judge` puts the two together in the only way the book allows: the difference, less any
reading tolerance, in combined standard errors, two-sided at the 5 % level. Nothing else — no
threshold typed for one number — decides a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

#: Two-sided level at which the paper's number and ours must agree to count as reproduced.
LEVEL = 0.05

#: How a paper states the uncertainty of a number (see :class:`Uncertainty`).
KINDS = ("ci95", "sd_runs", "se", "reading", "digits")

#: The four verdicts, in the order the scoreboard counts them.
VERDICTS = ("reproduced", "missed", "not comparable", "not run")


@dataclass(frozen=True)
class Uncertainty:
    """The paper's uncertainty, as the paper gives it.

    ``ci95``: half-width of a 95 % interval; ``sd_runs``: standard deviation over independent
    runs (one run of ours is compared with that spread); ``se``: a standard error; ``reading``:
    the tolerance of reading a value off a figure; ``digits``: no uncertainty given, only the
    printed precision (half a unit of the last digit).
    """

    kind: str
    width: float

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        if not self.width >= 0:
            raise ValueError(f"width must be >= 0, got {self.width}")

    @property
    def se(self) -> float:
        """The standard error this uncertainty stands for (0 for a reading or printed digits)."""
        if self.kind == "ci95":
            return self.width / stats.norm.ppf(0.975)
        return self.width if self.kind in ("sd_runs", "se") else 0.0

    @property
    def tolerance(self) -> float:
        """A hard half-width around the value (reading a figure, rounding), else 0."""
        return self.width if self.kind in ("reading", "digits") else 0.0

    def __str__(self) -> str:
        words = {
            "ci95": "± {} (95 % interval)",
            "sd_runs": "± {} (s.d. over runs)",
            "se": "± {} (s.e.)",
            "reading": "± {} (reading the figure)",
            "digits": "(no interval; printed to ± {})",
        }
        return words[self.kind].format(f"{self.width:g}")


@dataclass(frozen=True)
class Ours:
    """Our value with its standard error (``se=None``: our uncertainty was not recorded, and the
    rule then uses the paper's alone) and a phrase saying where the error comes from."""

    value: float
    se: float | None
    how: str

    @classmethod
    def binomial(cls, percent: float, n: int) -> Ours:
        """An error rate in percent on ``n`` test examples: the binomial standard error."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        p = min(max(percent / 100, 0.0), 1.0)
        se = 100 * stats.binom.std(n, p) / n
        return cls(float(percent), float(se), f"binomial, {n:,} test examples")

    @classmethod
    def seeds(cls, values: Sequence[float]) -> Ours:
        """The mean over runs with different seeds; its standard error needs two runs or more."""
        values = [float(v) for v in values]
        mean = sum(values) / len(values)
        if len(values) < 2:
            return cls(mean, None, "one run: no spread over seeds")
        return cls(mean, float(stats.sem(values)), f"s.e. over {len(values)} seeds")

    @classmethod
    def estimate(cls, value: float, se: float, how: str) -> Ours:
        """A Monte Carlo estimate (e.g. importance sampling) with its standard error."""
        return cls(float(value), float(se), how)


@dataclass(frozen=True)
class Verdict:
    """What the rule says: ``status`` (one of :data:`VERDICTS`), why, and the size of the gap."""

    status: str
    reason: str = ""
    difference: float | None = None  #: ours − paper, in the paper's units
    z: float | None = None  #: the gap beyond any reading tolerance, in combined standard errors

    def __str__(self) -> str:
        return f"{self.status}: {self.reason}" if self.reason else self.status


def judge(
    value: float | None,
    uncertainty: Uncertainty,
    ours: Ours | None,
    *,
    unit: str = "",
    departures: Sequence[str] = (),
) -> Verdict:
    """The verdict on a paper's ``value`` ± ``uncertainty`` given ``ours``.

    *not run* when we have no value; *not comparable* when the paper gives no value to compare
    with or our run departs from the paper's data, setting or budget (``departures`` says how);
    otherwise *reproduced* when the gap beyond the reading tolerance is within the 5 % two-sided
    level of the combined standard error (zero standard error: only the tolerance), else *missed*.
    """
    if ours is None:
        return Verdict("not run", "no recorded run measures it")
    if value is None:
        reasons = ["the paper's value has not been read yet", *departures]
        return Verdict("not comparable", "; ".join(reasons))
    difference = ours.value - value
    if departures:
        return Verdict("not comparable", "; ".join(departures), difference)
    excess = max(abs(difference) - uncertainty.tolerance, 0.0)
    se = math.hypot(uncertainty.se, ours.se or 0.0)
    if se == 0.0:
        z = 0.0 if excess == 0.0 else math.inf
    else:
        z = excess / se
    if 2 * stats.norm.sf(z) >= LEVEL:
        return Verdict("reproduced", "", difference, z)
    size = f"{difference:+.3g} {unit}".rstrip()
    return Verdict("missed", f"by {size} ({z:.1f} standard errors)", difference, z)
