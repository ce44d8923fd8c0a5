"""The ledger at work: each paper number read from a record and judged by the one rule.

:func:`assess` finds our value in a record's measurements, our uncertainty as the number says,
and every way the run departs from the paper (settings that differ from the ``paper`` profile's,
a smaller training budget, data that are not the official files) — then asks
:func:`~aebook.results.rule.judge`. :func:`ledger_table` shows a page's numbers; :func:`summary`
counts a profile's verdicts for the scoreboard.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from aebook.results.papers import LEDGER, PaperNumber, budget_key
from aebook.results.records import Record, as_json
from aebook.results.rule import VERDICTS, Ours, Verdict, judge
from aebook.results.table import Table, cell

# The ``paper`` profile's settings of a page, by page name: the ledger compares a run's settings
# with them. The pages own their settings, so the caller passes the lookup
# (aebook.experiments.paper_settings); the ledger never imports the pages.
PaperSettings = Callable[[str], object]


def _paper(number: PaperNumber, paper_settings: PaperSettings | None) -> Mapping:
    """The ``paper`` profile's settings of the page that measures ``number``."""
    if paper_settings is None:
        raise ValueError(
            f"judging {number.key} compares settings with the paper profile's: pass "
            "paper_settings=aebook.experiments.paper_settings"
        )
    return as_json(dataclasses.asdict(paper_settings(number.page)))


def _differ(name: str, ours, paper) -> str:
    if isinstance(paper, (int, float, str)) and isinstance(ours, (int, float, str)):
        return f"{name} {cell(ours)} (paper {cell(paper)})"
    return name


def _data_departure(name: str, provenance: Mapping | None) -> str | None:
    """Why the data behind a number are not the paper's, from the provenance a loader gives
    (``aebook.data``: ``kind`` official / generated / in memory, ``files`` with their SHA-256,
    ``substitute_for``), or None when they are the official files."""
    if provenance is None:
        return f"provenance of the {name} data not recorded"
    if "substitute_for" in provenance or "substitute" in provenance:
        stands_for = provenance.get("substitute_for") or provenance.get("substitute")
        return f"{name}: a substitute for {stands_for}, not the real data"
    if provenance.get("kind") == "generated" or "generated" in provenance:
        return f"{name}: generated from the published recipe, not the official files"
    files = provenance.get("files") or {}
    if provenance.get("kind") == "official" and files and all(files.values()):
        return None
    if "sha256" in provenance:
        return None
    return f"{name}: no checksum of the data recorded"


def departures(
    number: PaperNumber, record: Record, paper_settings: PaperSettings | None = None
) -> list[str]:
    """How ``record``'s run differs from the paper's for ``number`` (empty: comparable)."""
    if number.incomparable:
        return [number.incomparable]
    found = []
    if number.depends_on:
        paper = _paper(number, paper_settings)
        ours = as_json(dict(record.settings))
        differ = [f for f in number.depends_on if ours.get(f) != paper[f]]
        if differ:
            found.append(
                "settings differ from the paper's: "
                + ", ".join(_differ(f, ours.get(f), paper[f]) for f in differ)
            )
    if number.budget is not None:
        b = number.budget
        reached = record.measurements.get(budget_key(number.key))
        if reached is None:
            reached = b.reached(record.settings)
        if reached < b.amount:
            found.append(f"budget {reached:.3g} of the paper's {b.amount:.3g} {b.what}")
    for name in number.data:
        gap = _data_departure(name, record.data.get(name))
        if gap:
            found.append(gap)
    return found


def assess(
    number: PaperNumber, record: Record | None, paper_settings: PaperSettings | None = None
) -> tuple[Ours | None, Verdict]:
    """Our value for ``number`` in ``record`` (None when not measured) and the rule's verdict;
    ``paper_settings`` is needed where ``number`` depends on settings (``depends_on``)."""
    if record is None or number.measurement not in record.measurements:
        if number.incomparable:
            return None, Verdict("not comparable", number.incomparable)
        return None, judge(number.value, number.uncertainty, None)
    value = record.measurements[number.measurement]
    ours = number.error.ours(value, record.settings, record.measurements)
    verdict = judge(
        number.value, number.uncertainty, ours, unit=number.unit,
        departures=departures(number, record, paper_settings),
    )  # fmt: skip
    return ours, verdict


def _records_by_page(records: Sequence[Record], profile: str) -> dict[str, Record]:
    return {r.chapter: r for r in records if r.profile == profile}


def summary(
    records: Sequence[Record], profile: str, paper_settings: PaperSettings | None = None
) -> Counter:
    """Verdicts of the four papers' numbers (not the quoted references) in ``profile``."""
    by_page = _records_by_page(records, profile)
    counts = Counter({v: 0 for v in VERDICTS})
    for number in LEDGER:
        if not number.reference:
            counts[assess(number, by_page.get(number.page), paper_settings)[1].status] += 1
    return counts


def summary_line(
    records: Sequence[Record], profile: str, paper_settings: PaperSettings | None = None
) -> str:
    """``<profile>: paper numbers: R reproduced, M missed, N not comparable, K not run (of T)``."""
    c = summary(records, profile, paper_settings)
    return (
        f"{profile}: paper numbers: {c['reproduced']} reproduced, {c['missed']} missed, "
        f"{c['not comparable']} not comparable, {c['not run']} not run (of {sum(c.values())})"
    )


def _paper_cell(number: PaperNumber) -> str:
    if number.value is None:
        return "not read yet"
    return f"{cell(number.value)} {number.uncertainty} {number.unit}".strip()


def _ours_cell(ours: Ours | None, unit: str) -> str:
    if ours is None:
        return "—"
    spread = f" ± {ours.se:.2g}" if ours.se is not None else ""
    return f"{cell(ours.value)}{spread} {unit}".rstrip()


def ledger_table(
    record: Record,
    paper_settings: PaperSettings | None = None,
    numbers: Sequence[PaperNumber] | None = None,
    *,
    title: str | None = None,
) -> Table:
    """The paper numbers measured by ``record``'s page, judged against it (smoke: none judged)."""
    numbers = [n for n in (LEDGER if numbers is None else numbers) if n.page == record.chapter]
    if record.profile == "smoke":
        return Table(
            ["paper number", "paper"],
            [[n.quantity, _paper_cell(n)] for n in numbers],
            title=title,
            note="A `smoke` run only checks the code paths: no paper number is judged.",
        )
    rows = []
    for n in numbers:
        ours, verdict = assess(n, record, paper_settings)
        rows.append([n.quantity, _paper_cell(n), n.source, _ours_cell(ours, n.unit), str(verdict)])
    note = (
        f"`{record.profile}` run, commit `{record.commit[:7]}`. Ours ± one standard error. A "
        "number is *reproduced* when ours and the paper's agree at the 5 % level "
        "(`aebook.results.rule.judge`)."
    )
    return Table(["paper number", "paper", "source", "ours", "verdict"], rows, title=title,
                 note=note)  # fmt: skip
