"""The one Markdown table of the book: every table a page or the scoreboard shows is a ``Table``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def cell(value) -> str:
    """A table cell: floats to four significant digits, None as a dash, the rest as text."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class Table:
    """``header`` and ``rows`` of cells, with an optional bold ``title`` above and ``note`` below;
    displays as Markdown in a notebook and on the website."""

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        title: str | None = None,
        note: str | None = None,
    ):
        self.header = [str(h) for h in header]
        self.rows = [[cell(c) for c in row] for row in rows]
        if any(len(r) != len(self.header) for r in self.rows):
            raise ValueError("every row must have one cell per header entry")
        self.title = title
        self.note = note

    def _repr_markdown_(self) -> str:
        lines = [f"**{self.title}**", ""] if self.title else []
        lines += ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self._repr_markdown_()


class ComparisonTable:
    """Rows of measurements (``{label: {column: value}}``) as a :class:`Table`: ``columns`` maps
    each measurement to its heading and format (e.g. ``("test error", "{:.2f}")``); a missing or
    NaN value shows as a dash."""

    def __init__(
        self,
        rows: Mapping[str, Mapping[str, float]],
        columns: Mapping[str, tuple[str, str]],
        first: str = "family",
    ):
        self.rows, self.columns, self.first = rows, columns, first

    def _repr_markdown_(self) -> str:
        body = []
        for label, row in self.rows.items():
            cells = []
            for k, (_, fmt) in self.columns.items():
                v = row.get(k, math.nan)
                cells.append("—" if v is None or math.isnan(v) else fmt.format(v))
            body.append([label, *cells])
        header = [self.first, *(head for head, _ in self.columns.values())]
        return Table(header, body)._repr_markdown_()

    def __repr__(self) -> str:
        return self._repr_markdown_()
