"""The ledger of paper numbers and the one rule that judges them (issue 13)."""

import dataclasses
import json
import math
import re
from pathlib import Path

import pytest

from aebook.experiments import paper_settings, settings
from aebook.results import LEDGER, Ours, Record, Uncertainty, assess, judge, summary_line
from aebook.results.papers import SOURCES
from aebook.results.rule import VERDICTS

REPO = Path(__file__).resolve().parents[1]


def test_overlapping_intervals_reproduce_and_disjoint_ones_miss():
    paper = Uncertainty("ci95", 0.14)  # Vincent et al.'s ± on 50,000 test examples
    assert judge(2.80, paper, Ours.binomial(2.90, 50_000)).status == "reproduced"
    far = judge(2.80, paper, Ours.binomial(3.96, 50_000), unit="%")
    assert far.status == "missed" and far.difference == pytest.approx(1.16)
    assert far.z > 10 and "by +1.16 %" in far.reason and "standard errors" in far.reason


def test_the_rule_is_the_two_sided_five_percent_level():
    # Combined s.e. 1: a gap of 1.95 agrees, 1.97 does not (the 97.5 % quantile is 1.96).
    assert judge(0.0, Uncertainty("se", 0.6), Ours(1.95, 0.8, "")).status == "reproduced"
    assert judge(0.0, Uncertainty("se", 0.6), Ours(1.97, 0.8, "")).status == "missed"


def test_binomial_standard_error_of_an_error_rate():
    ours = Ours.binomial(2.8, 50_000)
    assert ours.se == pytest.approx(100 * math.sqrt(0.028 * 0.972 / 50_000))
    # Vincent et al.'s ± is 1.96 of these: 0.14 points at 2.8 %.
    assert 1.96 * ours.se == pytest.approx(0.14, abs=0.005)
    with pytest.raises(ValueError):
        Ours.binomial(3.0, 0)


def test_spread_over_seeds_needs_two_runs():
    assert Ours.seeds([12.0]).se is None
    two = Ours.seeds([11.0, 13.0])
    assert two.value == 12.0 and two.se == pytest.approx(1.0)


def test_reading_tolerance_is_a_hard_half_width_widened_by_our_error():
    reading = Uncertainty("reading", 2.0)
    assert judge(-100.0, reading, Ours(-101.9, None, "")).status == "reproduced"
    assert judge(-100.0, reading, Ours(-102.1, None, "")).status == "missed"
    assert judge(-100.0, reading, Ours(-102.1, 0.5, "")).status == "reproduced"
    # Printed digits only: a value without interval is met only within its rounding and our s.e.
    assert judge(-86.76, Uncertainty("digits", 0.005), Ours(-86.5, 0.1, "")).status == "missed"


def test_not_comparable_and_not_run():
    paper = Uncertainty("sd_runs", 1.71)
    assert judge(11.97, paper, None).status == "not run"
    other = judge(11.97, paper, Ours(12.0, 0.3, ""), departures=["MovieLens 100K, not 1M"])
    assert other.status == "not comparable" and "100K" in other.reason
    assert other.difference == pytest.approx(0.03)
    assert judge(None, None, Ours(-130.0, None, "")).status == "not comparable"
    with pytest.raises(ValueError, match="kind must be one of"):
        Uncertainty("roughly", 1.0)


def test_every_paper_number_of_issue_13_is_in_the_ledger():
    keys = {n.key for n in LEDGER}
    for task in ("basic", "rot", "bg-rand", "bg-img", "rot-bg-img", "rect", "rect-img", "convex"):
        for model in ("SAA-3", "SdA-3"):
            assert f"vincent2008/table1/{task}/{model}" in keys
    for n_z in (3, 5, 10, 20, 200):
        assert f"kingma2013/figure2/MNIST/N_z={n_z}" in keys
    for n_z in (2, 5, 10, 20):
        assert f"kingma2013/figure2/Frey Face/N_z={n_z}" in keys
    by_key = {n.key: n for n in LEDGER}
    assert by_key["burda2015/table1/VAE-1layer-k1/dynamic"].value == -86.76
    assert by_key["burda2015/fixed-binarization/VAE-1layer-k1"].source == "unverified"
    m2, m1m2 = (
        by_key["kingma2014/table1/100-labels/M2"],
        by_key["kingma2014/table1/100-labels/M1+M2"],
    )
    assert (m2.value, m2.uncertainty) == (11.97, Uncertainty("sd_runs", 1.71))
    assert (m1m2.value, m1m2.uncertainty) == (3.33, Uncertainty("sd_runs", 0.14))
    pythae = by_key["pythae/reproducibility/VAE-binary-MNIST"]
    assert pythae.value == -89.78 and "200 importance samples" in pythae.incomparable
    assert by_key["guo2017/table/AE+k-means"].cite == "guo2017improved"  # not Xie et al.
    assert sum(not n.reference for n in LEDGER) >= 29
    assert all(n.source in SOURCES and n.checked for n in LEDGER)


def test_every_cited_paper_is_in_the_bibliography():
    bib = (REPO / "book" / "references.bib").read_text()
    for n in LEDGER:
        assert "{" + n.cite + "," in bib, n.cite


def test_every_measured_number_names_settings_the_paper_profile_has():
    for n in LEDGER:
        if n.depends_on:
            cfg = settings(n.page, "paper")
            fields = {f.name for f in dataclasses.fields(cfg)}
            assert set(n.depends_on) <= fields, n.key


def test_no_paper_number_carries_a_typed_threshold():
    """A paper number holds the paper's value and uncertainty, nothing to compare ours with;
    and no claim cell of a notebook sets a paper column (claims have a statement, no number)."""
    forbidden = {"bound", "threshold", "tolerance", "min", "max"}
    for field in dataclasses.fields(LEDGER[0]):
        assert not any(word in field.name for word in forbidden), field.name
    for nb in (REPO / "book").rglob("*.ipynb"):
        for cell in json.loads(nb.read_text())["cells"]:
            source = "".join(cell["source"])
            assert "paper=" not in source or "Claim" not in source, nb.name


def _record(page, profile="standard", settings_=None, measurements=None, data=None):
    return Record(page, profile, settings_ or {}, (), measurements or {}, data or {})


def test_a_run_in_the_papers_settings_is_judged_and_a_shorter_one_is_not():
    number = next(n for n in LEDGER if n.key == "burda2015/table1/VAE-1layer-k1/dynamic")
    paper_cfg = json.loads(json.dumps(dataclasses.asdict(settings("vae_likelihood", "paper"))))
    official = {"mnist": {"file": "train-images-idx3-ubyte.gz", "sha256": "440f"}}
    values = {"test log p(x), dynamic": -86.80, "standard error of log p(x), dynamic": 0.05}
    same = _record("vae_likelihood", "paper", paper_cfg, values, official)
    ours, verdict = assess(number, same, paper_settings)
    assert verdict.status == "reproduced" and ours.se == 0.05
    short = _record(
        "vae_likelihood", "paper", {**paper_cfg, "dynamic_epochs": 20}, values, official
    )
    verdict = assess(number, short, paper_settings)[1]
    assert verdict.status == "not comparable" and "dynamic_epochs 20 (paper 3280)" in verdict.reason
    generated = {"mnist": {"substitute": "random images"}}
    verdict = assess(
        number, _record("vae_likelihood", "paper", paper_cfg, values, generated), paper_settings
    )[1]
    assert verdict.status == "not comparable" and "substitute" in verdict.reason
    assert assess(number, None)[1].status == "not run"


def test_a_budget_reached_is_read_from_the_record():
    number = next(n for n in LEDGER if n.key == "kingma2013/figure2/MNIST/N_z=20")
    cfg = json.loads(json.dumps(dataclasses.asdict(settings("vae", "paper"))))
    key = "MNIST valid bound, N_z = 20"
    se = "MNIST valid bound s.e., N_z = 20"
    full = _record("vae", "paper", cfg, {key: -100.0, se: 0.3}, {"mnist": {"sha256": "440f"}})
    verdict = assess(number, full, paper_settings)[1]
    assert verdict.status == "reproduced" and "budget" not in verdict.reason
    off = _record("vae", "paper", cfg, {key: -98.0, se: 0.3}, {"mnist": {"sha256": "440f"}})
    assert assess(number, off, paper_settings)[1].status == "missed"  # 1.7 nats past ± 0.47
    stopped = _record("vae", "paper", cfg, {key: -100.0, f"budget: {number.key}": 1e7})
    assert (
        "budget 1e+07 of the paper's 1e+08 training examples"
        in assess(number, stopped, paper_settings)[1].reason
    )


def test_todays_standard_records_reproduce_nothing(monkeypatch):
    from aebook.results import load_records

    records = load_records(REPO / "results")
    line = summary_line(records, "standard", paper_settings)
    assert line.startswith("standard: paper numbers: 0 reproduced, ")
    assert line.endswith(f"(of {sum(not n.reference for n in LEDGER)})")


def test_the_command_prints_one_line_per_profile(capsys, monkeypatch):
    from aebook.__main__ import main
    from aebook.results import load_records

    monkeypatch.setenv("AEBOOK_RESULTS", str(REPO / "results"))
    records = load_records(REPO / "results")
    profiles = [p for p in ("standard", "paper") if any(r.profile == p for r in records)]
    assert main(["scoreboard"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [summary_line(records, p, paper_settings) for p in profiles]
    assert main(["scoreboard", "--profile", "standard"]) == 0
    assert capsys.readouterr().out.startswith("standard: paper numbers: 0 reproduced")


def test_the_command_lists_every_paper_number_with_its_verdict_on_request(capsys, monkeypatch):
    from aebook.__main__ import main
    from aebook.results import load_records

    monkeypatch.setenv("AEBOOK_RESULTS", str(REPO / "results"))
    records = load_records(REPO / "results")
    assert main(["scoreboard", "--profile", "standard", "--numbers"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(summary_line(records, "standard", paper_settings) + "\n")
    rows = [
        line
        for line in out.splitlines()
        if line.startswith("| ") and not line.startswith("| number |")
    ]
    assert len(rows) == len(LEDGER)  # one row per number, in the ledger's order
    assert all(
        row.split(" | ")[0] == f"| {n.quantity}" for row, n in zip(rows, LEDGER, strict=True)
    )
    assert all(row.split(" | ")[-1].startswith(VERDICTS) for row in rows)
    assert "\u200b" not in out  # a path copied from the terminal is the path


def test_the_loaders_provenance_decides_whether_data_are_the_papers(tmp_path):
    from aebook.data.store import built_by_caller
    from aebook.results.ledger import _data_departure

    official = {"kind": "official", "dataset": "mnist", "files": {"a.gz": "ab" * 32}}
    assert _data_departure("mnist", official) is None
    generated = {"kind": "generated", "recipe": "x", "seed": 0}
    assert "generated" in _data_departure("rot", generated)
    substitute = {**generated, "substitute_for": "MovieLens 100K"}
    assert "substitute for MovieLens 100K" in _data_departure("ml", substitute)
    assert "no checksum" in _data_departure("mnist", built_by_caller())
    assert "not recorded" in _data_departure("mnist", None)


def test_judging_a_settings_dependent_number_asks_for_the_paper_settings():
    number = next(n for n in LEDGER if n.key == "burda2015/table1/VAE-1layer-k1/dynamic")
    values = {"test log p(x), dynamic": -86.8, "standard error of log p(x), dynamic": 0.05}
    run = _record("vae_likelihood", "paper", {}, values)
    with pytest.raises(ValueError, match="pass paper_settings=aebook.experiments.paper_settings"):
        assess(number, run)


def test_table1_from_part_of_its_grid_is_judged_as_a_shortened_run():
    from aebook.experiments.stacked_denoising_autoencoders.runs import candidates
    from aebook.results.papers import TABLE1_GRID, budget_key, table1_grid

    paper = settings("stacked_denoising_autoencoders", "paper")
    cfg = json.loads(json.dumps(dataclasses.asdict(paper)))
    for model, tag in (("SAA-3", "saa"), ("SdA-3", "sda")):  # the ledger's grid is the profile's
        assert TABLE1_GRID[model] == table1_grid(cfg, model) == len(candidates(paper, "rot", tag))
    number = next(n for n in LEDGER if n.key == "vincent2008/table1/rot/SdA-3")
    official = {"rot": {"kind": "official", "files": {"rot.amat": "ab12"}}}
    values = {"rot: sda test error (%)": 10.29}
    full = _record(number.page, "paper", cfg, values, official)
    assert assess(number, full, paper_settings)[1].status == "reproduced"
    part = _record(number.page, "paper", cfg, {**values, budget_key(number.key): 2}, official)
    verdict = assess(number, part, paper_settings)[1]
    assert verdict.status == "not comparable"
    assert "budget 2 of the paper's 48 candidates" in verdict.reason


@pytest.mark.parametrize("profile", ["standard", "paper"])
def test_the_numbers_table_keeps_each_reason_whole_in_a_note_below_it(profile):
    """A row says its verdict; the reason for a number not comparable or not run is the note the
    row names (the same reason, the same note), and a miss keeps its size in the row."""
    from aebook.results import load_records
    from aebook.results.scoreboard import Scoreboard

    records = load_records(REPO / "results")
    by_page = {r.chapter: r for r in records if r.profile == profile}
    table = Scoreboard(records, paper_settings).numbers(profile)
    notes = dict(re.findall(r"^(\d+)\. (.*)$", table.note or "", flags=re.M))
    assert len(set(notes.values())) == len(notes)  # one note per distinct reason
    for row, n in zip(table.rows, LEDGER, strict=True):
        verdict = assess(n, by_page.get(n.page), paper_settings)[1]
        if verdict.status == "missed":
            assert row[-1] == str(verdict)
        elif verdict.reason:
            status, note = re.fullmatch(r"(.*) \(note (\d+)\)", row[-1]).groups()
            assert (status, notes[note]) == (verdict.status, verdict.reason)
        else:
            assert row[-1] == verdict.status
