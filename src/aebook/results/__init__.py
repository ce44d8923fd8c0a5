"""What the book measured and what the papers report, kept apart by job.

* :mod:`~aebook.results.papers` — the ledger: every number the papers report, with its source;
* :mod:`~aebook.results.rule` — the one rule that judges a paper number against ours;
* :mod:`~aebook.results.claims` — identities, findings and guards a page checks;
* :mod:`~aebook.results.records` — the one :class:`~aebook.results.records.Record` per page and
  profile, on disk;
* :mod:`~aebook.results.ledger` — paper numbers read from a record and judged;
* :mod:`~aebook.results.freshness` — whether a record is still the run of today's code;
* :mod:`~aebook.results.runs` — a page's recorded runs, as the page shows them;
* :mod:`~aebook.results.scoreboard` — everything recorded, paper numbers first;
* :mod:`~aebook.results.runtimes` — how long each page ran;
* :mod:`~aebook.results.performance` — the benchmarks and the paper profile's cost;
* :mod:`~aebook.results.table` — the one Markdown :class:`~aebook.results.table.Table`.
"""

import lazy_loader

#: Each submodule is imported when one of its names is first used, so a page imports
#: (and its record depends on) only the files it uses.
_EXPORTS = {
    "claims": ["Claim", "check", "claims_table"],
    "ledger": ["assess", "ledger_table", "summary_line"],
    "papers": ["LEDGER", "PaperNumber"],
    "records": ["Record", "load_records", "provenance", "record", "results_dir"],
    "rule": ["Ours", "Uncertainty", "Verdict", "judge"],
    "performance": ["ThroughputTable", "load_benchmark"],
    "runtimes": ["RuntimeTable", "record_runtime", "runtimes"],
    "runs": ["RecordedPage", "RecordedRuns", "recorded"],
    "scoreboard": ["Scoreboard", "scoreboard"],
    "table": ["ComparisonTable", "Table"],
}
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_EXPORTS)
