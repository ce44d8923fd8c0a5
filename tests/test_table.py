"""The book's one Markdown table, and the table of measurements built on it."""

import math

import pytest

from aebook.results.table import ComparisonTable, Table


def test_table_checks_its_rows():
    assert Table(["a", "b"], [[1, 0.123456]])._repr_markdown_().splitlines()[-1] == "| 1 | 0.1235 |"
    with pytest.raises(ValueError, match="one cell per header"):
        Table(["a", "b"], [[1]])


def test_comparison_table_formats_each_column_and_dashes_what_is_missing():
    columns = {"error": ("test error", "{:.2f}"), "fd": ("Fréchet distance", "{:.1f}")}
    table = ComparisonTable({"a": {"error": 0.5, "fd": math.nan}, "b": {}}, columns, first="model")
    lines = table._repr_markdown_().splitlines()
    assert lines[0] == "| model | test error | Fréchet distance |"
    assert lines[2:] == ["| a | 0.50 | — |", "| b | — | — |"]
