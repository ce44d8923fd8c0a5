import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass

import pytest
from markdown_it import MarkdownIt

from aebook.experiments import settings
from aebook.profiles import ChapterSettings, active_profile, select
from aebook.results import Claim, check, claims_table, record


@dataclass(frozen=True, kw_only=True)
class Toy(ChapterSettings):
    epochs: int


TABLE = {"smoke": Toy(epochs=1), "standard": Toy(epochs=10), "paper": Toy(epochs=100)}


def test_default_profile_is_standard(monkeypatch):
    monkeypatch.delenv("AEBOOK_PROFILE", raising=False)
    assert active_profile() == "standard"
    assert select(TABLE).epochs == 10 and select(TABLE).profile == "standard"


def test_profile_from_the_environment(monkeypatch):
    monkeypatch.setenv("AEBOOK_PROFILE", "smoke")
    assert select(TABLE) == Toy(epochs=1, profile="smoke")


def test_unknown_profile_lists_the_choices(monkeypatch):
    monkeypatch.setenv("AEBOOK_PROFILE", "fast")
    with pytest.raises(ValueError, match="smoke, standard, paper.*'fast'"):
        active_profile()


def test_claims_hold_or_fail_as_stated():
    assert Claim.at_most("guard", "angle", 0.5, 1.0).ok
    assert not Claim.at_most("guard", "angle", 1.5, 1.0).ok
    assert Claim.at_least("finding", "gain", 2.0, 1.0, statement="> 0").ok
    assert Claim.near("identity", "err", 10.4, 10.0, 0.05, relative=True).ok
    assert not Claim.near("identity", "err", 10.6, 10.0, 0.05, relative=True).ok
    share = Claim.covers("finding", "share", 0.79, 0.782, 0.798, 0.8, statement="0.8")
    assert not share.ok and share.criterion == "0.8 in [0.782, 0.798]"
    assert Claim.covers("finding", "share", 0.80, 0.792, 0.808, 0.8).ok
    with pytest.raises(AssertionError, match="angle \\(guard\\): ours 1.5"):
        check([Claim.at_most("guard", "angle", 1.5, 1.0), Claim.at_least("finding", "g", 2, 1)])
    missed = Claim.at_least("finding", "gain", -1.0, 0.0, statement="> 0")
    assert check([missed, Claim.at_most("guard", "angle", 0.5, 1.0)]) == [missed]
    table = claims_table([Claim.near("identity", "err", 10.4, 10.0, 0.5)], select(TABLE, "smoke"))
    assert "| identity | err | — | 10.4 | 10 ± 0.5 | ✓ holds |" in table._repr_markdown_()
    assert "`smoke`" in table._repr_markdown_()


def test_claim_kinds_are_closed_and_guards_have_no_paper_column():
    with pytest.raises(ValueError, match="kind must be one of"):
        Claim.at_most("paper number", "M2 error", 12.0, 13.0)
    with pytest.raises(ValueError, match="no paper statement"):
        Claim.at_most("guard", "error", 12.0, 13.0, statement="11.97 ± 1.71")


def test_claims_of_numpy_numbers_are_recorded_as_plain_json(monkeypatch, tmp_path):
    """Criteria computed with NumPy (a bootstrap's largest angle) still make a JSON record."""
    np = pytest.importorskip("numpy")
    claims = [
        Claim.at_most("identity", "angle", np.float64(0.1), np.float64(5.5), statement="0"),
        Claim.at_least("guard", "share", np.float32(0.9), np.float64(0.5)),
        Claim.near("identity", "gap", np.float64(0.0), 0.0, np.float64(0.01), statement="0"),
    ]
    assert all(type(c.ok) is bool for c in claims)
    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    path = record("toy", claims, select(TABLE, "paper")).path
    assert [c["ok"] for c in json.loads(path.read_text())["claims"]] == [True, True, True]


def test_record_writes_only_when_asked(monkeypatch, tmp_path):
    claims = [Claim.at_most("guard", "angle", 0.5, 1.0, unit="°")]
    monkeypatch.delenv("AEBOOK_RESULTS", raising=False)
    assert record("toy", claims, select(TABLE, "paper")).path is None
    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    data = {"mnist": {"file": "train-images-idx3-ubyte.gz", "sha256": "440f"}}
    path = record("toy", claims, select(TABLE, "paper"), {"error": 1.5}, data=data).path
    payload = json.loads(path.read_text())
    assert payload["measurements"] == {"error": 1.5} and payload["data"] == data
    assert path == tmp_path / "paper" / "toy.json"
    assert payload["claims"][0]["ours"] == 0.5 and payload["settings"]["epochs"] == 100
    assert {"commit", "date", "hardware", "torch"} <= payload.keys()
    assert not list(path.parent.glob("*.tmp"))  # the temporary file was renamed


def test_provenance_names_the_command_that_ran():
    """A script's own command line (``python -m aebook.runner ...``, ``python benchmarks/...``),
    or the ``AEBOOK_COMMAND`` of the script that runs the code in another process."""
    code = "from aebook.results import provenance; print(provenance()['command'])"
    env = {k: v for k, v in os.environ.items() if k != "AEBOOK_COMMAND"}
    for given, expected in (
        (None, shlex.join(["python", "-c", code, "--out", "a b.json"])),
        ("python scripts/reproduce.py book/x.ipynb", "python scripts/reproduce.py book/x.ipynb"),
    ):
        run_env = env if given is None else {**env, "AEBOOK_COMMAND": given}
        out = subprocess.run(
            [sys.executable, "-c", code, "--out", "a b.json"],
            env=run_env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert out.strip() == expected


def test_results_files_get_the_permissions_of_an_ordinary_file(tmp_path):
    from aebook.results import Record
    from aebook.results.records import update_json, write_json

    ordinary = tmp_path / "ordinary"
    ordinary.write_text("")
    paths = [
        write_json(tmp_path / "a.json", {}),
        update_json(tmp_path / "b.json", lambda d: d),
        Record("toy", "standard").write(tmp_path).path,
    ]
    assert {p.stat().st_mode & 0o777 for p in paths} == {ordinary.stat().st_mode & 0o777}


def test_concurrent_writers_leave_a_whole_record(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    from aebook.results import Record

    records = [Record("toy", "standard", measurements={"x": float(i)}) for i in range(8)]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(Record.write, records, [tmp_path] * len(records)))
    back = Record.read(tmp_path / "standard" / "toy.json")
    assert back.measurements["x"] in {float(i) for i in range(8)}
    assert not list((tmp_path / "standard").glob("*.tmp"))


def test_an_unreadable_results_file_is_named(tmp_path):
    from aebook.results import Record, load_records

    (tmp_path / "standard").mkdir()
    bad = tmp_path / "standard" / "broken.json"
    bad.write_text("{ not json")
    with pytest.raises(ValueError, match="broken.json"):
        Record.read(bad)
    with pytest.raises(ValueError, match="broken.json"):
        load_records(tmp_path)


def test_scoreboard_reads_back_what_record_wrote(monkeypatch, tmp_path):
    from aebook.results import load_records, scoreboard

    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    record("toy", [Claim.near("identity", "err", 10.4, 10.0, 0.5)], select(TABLE, "standard"))
    record("toy", [Claim.at_most("guard", "angle", 3.0, 1.0, unit="°")], select(TABLE, "paper"))
    runs = load_records(tmp_path)
    assert [r.profile for r in runs] == ["paper", "standard"]  # the paper profile first
    assert runs[1].claims[0] == Claim.near("identity", "err", 10.4, 10.0, 0.5)
    board = scoreboard(tmp_path)._repr_markdown_()
    assert board.startswith("- **standard: paper numbers: 0 reproduced, 0 missed")
    html = MarkdownIt().render(board)  # as MyST parses it: each profile's count on its own line
    assert "<li><strong>standard: paper numbers" in html
    assert "<li><strong>paper: paper numbers" in html
    assert "| guard | angle | — | 3 ° | ≤ 1 ° | ✗ misses |" in board
    assert "No recorded runs" in scoreboard(tmp_path / "empty")._repr_markdown_()


def test_runtimes_accumulate_per_profile_and_stay_out_of_the_scoreboard(monkeypatch, tmp_path):
    from aebook.results import load_records, record_runtime, runtimes

    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    record("toy", [Claim.at_most("guard", "angle", 0.5, 1.0)], select(TABLE, "standard"))
    record_runtime(tmp_path, "book/a.ipynb", "smoke", wall=30.04, cpu=55.0)
    record_runtime(tmp_path, "book/b.ipynb", "smoke", wall=100.0, cpu=190.0)
    record_runtime(tmp_path, "book/a.ipynb", "standard", wall=600.0, cpu=1100.0)
    record_runtime(tmp_path, "book/a.ipynb", "smoke", wall=31.0, cpu=56.0)  # a rerun replaces
    assert [r.chapter for r in load_records(tmp_path)] == ["toy"]  # benchmarks/ is not a profile
    table = runtimes(tmp_path)
    assert table.seconds("smoke", "book/a.ipynb") == 31.0
    assert table.seconds("standard", "book/b.ipynb") is None
    md = table._repr_markdown_()
    assert "| a | 31 s / 56 s | 10 min / 18 min |" in md
    assert "| b | 1.7 min / 3.2 min | — |" in md  # minutes from 90 s on
    assert "| **total (wall)** | 2.2 min | 10 min |" in md
    assert "No measured run times" in runtimes(tmp_path / "none")._repr_markdown_()
    titled = runtimes(tmp_path, ["book/a.ipynb"], title="This page")._repr_markdown_()
    assert titled.startswith("**This page**\n\n| page |") and "| b |" not in titled


def test_benchmark_files_read_back_and_throughput_table(tmp_path):
    from aebook.results import ThroughputTable, load_benchmark

    assert load_benchmark("train_throughput", tmp_path) is None
    row = {"threads": 1, "model": "paper", "median_epoch_seconds": 4.0, "vs_fit": 1.0}
    payload = {
        "n": 50_000,
        "repeats": 3,
        "pythae": False,
        "provenance": {"hardware": "x86_64, 2 CPUs", "torch": "2.13.0"},
        "rows": [
            {**row, "pipeline": "fit", "gflops": 60.0, "share_of_limit": 0.5},
            {
                **row,
                "pipeline": "limit",
                "median_epoch_seconds": 2.0,
                "vs_fit": 0.5,
                "gflops": 120.0,
                "share_of_limit": 1.0,
            },
        ],
    }
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "train_throughput.json").write_text(json.dumps(payload))
    md = ThroughputTable(load_benchmark("train_throughput", tmp_path))._repr_markdown_()
    assert "| 1 | paper | fit | 4.00 | 1.00 | 60 | 50 % |" in md
    assert "| 1 | paper | limit | 2.00 | 0.50 | 120 | 100 % |" in md
    assert "Pythae was not installed" in md
    assert "Measured on x86_64, 2 CPUs, torch 2.13.0; date not recorded." in md


def test_every_benchmark_table_says_where_and_when_it_was_measured():
    from aebook.results import performance as perf

    where = {"hardware": "AMD EPYC, 2 logical CPU cores", "torch": "2.13.0",
             "date": "2026-12-05T12:00:00+00:00"}  # fmt: skip
    assert perf.measured_on({"provenance": where}) == (
        "Measured 2026-12-05 on AMD EPYC, 2 logical CPU cores, torch 2.13.0."
    )
    undated = {"hardware": "x86_64, 2 CPUs", "torch": "2.13.0"}
    assert "date not recorded" in perf.measured_on({"provenance": undated})
    assert "not recorded" in perf.measured_on({})
    payloads = {
        perf.workers_table: {"n": 10, "images_per_second": {"2 x 1": 9.0}, "fastest": "2 x 1"},
        perf.precision_table: {
            "runs": {k: {"test_bound": -1.0, "test_se": 0.1, "examples": 5} for k in ("fp32", "bf16")},
            "median_epoch_seconds": {"fp32": 1.0, "bf16": 0.9},
            "difference": 0.0, "difference_se": 0.1,
        },
        perf.estimate_table: {"rows": [{"job": "m2/m1", "tflop": 1.0, "cpu_hours": 2.0,
                                        "gpu_minutes": 0.5}]},
        perf.stacked_table: {"rows": [{"hidden": 64, "phase": "pretraining", "ratio": 3.9,
            "model_steps_per_second": {"one at a time": 100.0, "stacked": 390.0}}]},
        perf.released_adam_table: {"largest_relative_difference": 1e-7, "rows": [
            {"part": "update", "optimizer": "fused", "ms": 0.5, "speedup": 3.0}]},
        perf.m2_step_table: {"loss_relative_difference": {"pixels": 1e-7}, "rows": [
            {"model": "pixels", "variant": "shared", "ms": 90.0, "speedup": 1.8,
             "forward_gmacs": 1.2}]},
    }  # fmt: skip
    for table, payload in payloads.items():
        md = table(payload | {"provenance": where})._repr_markdown_()
        assert "Measured 2026-12-05 on AMD EPYC" in md, table.__name__
        assert "not recorded" in table(payload)._repr_markdown_(), table.__name__
    md = perf.stacked_table(payloads[perf.stacked_table])._repr_markdown_()
    assert "| 784-64×3-10 | pretraining | 100 | 390 | 3.90 |" in md


@pytest.mark.parametrize(("difference", "verdict"), [(0.46, "below it"), (-0.48, "not below it")])
def test_bf16_is_judged_by_figure_2s_tolerance_on_mnist(difference, verdict):
    """The paper profile may train in bf16 only where bf16 moves the bound by less than the
    paper's figure can be read (0.47 nats on MNIST), whichever way it moves it."""
    from aebook.results import performance as perf

    run = {"test_bound": -1.0, "test_se": 0.1, "examples": 5}
    payload = {"runs": {"fp32": run, "bf16": run}, "difference": difference,
               "median_epoch_seconds": {"fp32": 1.0, "bf16": 0.5}, "difference_se": 0.1}  # fmt: skip
    note = perf.precision_table(payload).note
    assert "tolerance on MNIST is 0.47 nats" in note
    assert f"this distance is {verdict}" in note


@pytest.mark.parametrize("name", ["../escape", "a/b", "", "/abs", ".hidden"])
def test_a_record_name_cannot_leave_the_results_folder(name, tmp_path, monkeypatch):
    from aebook.results.records import record

    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    with pytest.raises(ValueError, match="chapter must be a page name"):
        record(name, [], None)
    assert not any(tmp_path.iterdir())


def test_recorded_page_reads_back_what_record_wrote(tmp_path, monkeypatch):
    from aebook.results import Claim, record, recorded

    cfg = settings("clustering", "smoke")
    missing = recorded("clustering", "smoke", tmp_path)
    assert missing.record is None and "No recorded `smoke` run" in missing._repr_markdown_()
    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    claims = [
        Claim.at_least("finding", "gain", 2.5, 0.0, unit="points", statement="> 0"),
        Claim.at_most("guard", "rmse", 1.5, 1.0),
    ]
    record("clustering", claims, cfg, measurements={"pixels: NMI": 0.5})
    shown = recorded("clustering", "smoke", tmp_path)
    assert shown.measurements == {"pixels: NMI": 0.5}
    text = shown._repr_markdown_()
    assert "profile `smoke`" in text
    assert "| pixels: NMI | 0.5 |" in text
    assert "| finding | gain | 2.5 points | ≥ 0 points | ✓ holds |" in text
    assert "| guard | rmse | 1.5 | ≤ 1 | ✗ misses |" in text
    assert "no paper number is judged" in text  # smoke: the ledger judges nothing


def test_a_page_shows_every_profile_it_was_recorded_in_the_longest_first(tmp_path, monkeypatch):
    from aebook.results import record, recorded

    assert "No recorded run of `clustering`" in recorded("clustering", root=tmp_path).__repr__()
    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    for profile in ("smoke", "paper"):
        record("clustering", [], settings("clustering", profile))
    text = recorded("clustering", root=tmp_path)._repr_markdown_()
    assert text.index("profile `paper`") < text.index("profile `smoke`")
    assert "profile `standard`" not in text
    with pytest.raises(
        ValueError, match="profile must be one of smoke, standard, paper; got 'papr'"
    ):
        recorded("clustering", "papr", tmp_path)
