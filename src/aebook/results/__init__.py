"""What the book measured and what the papers report, kept apart by job.

* :mod:`~aebook.results.papers` — the ledger: every number the papers report, with its source;
* :mod:`~aebook.results.rule` — the one rule that judges a paper number against ours;
* :mod:`~aebook.results.claims` — identities, findings and regression guards a page checks;
* :mod:`~aebook.results.records` — the one :class:`~aebook.results.records.Record` per page and
  profile, on disk;
* :mod:`~aebook.results.ledger` — paper numbers read from a record and judged;
* :mod:`~aebook.results.scoreboard` — everything recorded, paper numbers first;
* :mod:`~aebook.results.runtimes` — how long pages and benchmarks ran;
* :mod:`~aebook.results.table` — the one Markdown :class:`~aebook.results.table.Table`.
"""

from aebook.results.claims import Claim, check, claims_table
from aebook.results.ledger import assess, ledger_table, summary_line
from aebook.results.papers import LEDGER, PaperNumber
from aebook.results.records import Record, load_records, provenance, record, results_dir
from aebook.results.rule import Ours, Uncertainty, Verdict, judge
from aebook.results.runtimes import (
    RuntimeTable,
    ThroughputTable,
    load_benchmark,
    record_runtime,
    runtimes,
)
from aebook.results.scoreboard import Scoreboard, recorded, scoreboard
from aebook.results.table import ComparisonTable, Table

__all__ = [
    "LEDGER", "Claim", "ComparisonTable", "Ours", "PaperNumber", "Record", "RuntimeTable",
    "Scoreboard", "Table", "ThroughputTable", "Uncertainty", "Verdict", "assess", "check",
    "claims_table", "judge", "ledger_table", "load_benchmark", "load_records", "provenance", "record",
    "record_runtime", "recorded", "results_dir", "runtimes", "scoreboard", "summary_line",
]  # fmt: skip
