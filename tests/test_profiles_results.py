import json
from dataclasses import dataclass

import pytest

from aebook.profiles import PROFILES, ChapterSettings, active_profile, select, settings
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


def test_unknown_chapter_lists_the_choices():
    with pytest.raises(ValueError, match="chapter must be one of .*foundations"):
        settings("nope")


@pytest.mark.parametrize("profile", PROFILES)
def test_every_registered_chapter_has_every_profile(profile):
    from aebook.profiles import CHAPTERS

    for chapter in CHAPTERS:
        cfg = settings(chapter, profile)
        assert cfg.profile == profile
        assert "| setting | value |" in cfg._repr_markdown_()


def test_claims_hold_or_fail_as_stated():
    assert Claim.at_most("angle", 0.5, 1.0).ok
    assert not Claim.at_most("angle", 1.5, 1.0).ok
    assert Claim.at_least("gain", 2.0, 1.0).ok
    assert Claim.near("err", 10.4, 10.0, 0.05, relative=True).ok
    assert not Claim.near("err", 10.6, 10.0, 0.05, relative=True).ok
    with pytest.raises(AssertionError, match="angle: ours 1.5"):
        check([Claim.at_most("angle", 1.5, 1.0), Claim.at_least("gain", 2.0, 1.0)])
    table = claims_table([Claim.near("err", 10.4, 10.0, 0.5, paper=10.0)], select(TABLE, "smoke"))
    assert "| err | 10 | 10.4" in table._repr_markdown_() and "`smoke`" in table._repr_markdown_()


def test_record_writes_only_when_asked(monkeypatch, tmp_path):
    claims = [Claim.at_most("angle", 0.5, 1.0, unit="°")]
    monkeypatch.delenv("AEBOOK_RESULTS", raising=False)
    assert record("toy", claims, select(TABLE, "paper")) is None
    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    path = record("toy", claims, select(TABLE, "paper"), {"error": 1.5})
    payload = json.loads(path.read_text())
    assert payload["measurements"] == {"error": 1.5}
    assert path == tmp_path / "paper" / "toy.json"
    assert payload["claims"][0]["ours"] == 0.5 and payload["settings"]["epochs"] == 100
    assert {"commit", "date", "hardware", "torch"} <= payload.keys()


def test_scoreboard_reads_back_what_record_wrote(monkeypatch, tmp_path):
    from aebook.results import load_runs, scoreboard

    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    record("toy", [Claim.near("err", 10.4, 10.0, 0.5, paper=10.0)], select(TABLE, "standard"))
    record("toy", [Claim.at_most("angle", 3.0, 1.0, unit="°")], select(TABLE, "paper"))
    runs = load_runs(tmp_path)
    assert [r.profile for r in runs] == ["paper", "standard"]  # the paper profile first
    assert runs[1].claims[0] == Claim.near("err", 10.4, 10.0, 0.5, paper=10.0)
    board = scoreboard(tmp_path)._repr_markdown_()
    assert "**1 of 2 recorded claims hold.**" in board
    assert "**toy** · `paper` run of" in board and "**toy** · `standard` run of" in board
    assert "| angle | — | 3 ° | ≤ 1 ° | ✗ misses |" in board
    assert "No recorded runs" in scoreboard(tmp_path / "empty")._repr_markdown_()


def test_runtimes_accumulate_per_profile_and_stay_out_of_the_scoreboard(monkeypatch, tmp_path):
    from aebook.results import load_runs, record_runtime, runtimes

    monkeypatch.setenv("AEBOOK_RESULTS", str(tmp_path))
    record("toy", [Claim.at_most("angle", 0.5, 1.0)], select(TABLE, "standard"))
    record_runtime(tmp_path, "book/a.ipynb", "smoke", wall=30.04, cpu=55.0)
    record_runtime(tmp_path, "book/b.ipynb", "smoke", wall=100.0, cpu=190.0)
    record_runtime(tmp_path, "book/a.ipynb", "standard", wall=600.0, cpu=1100.0)
    record_runtime(tmp_path, "book/a.ipynb", "smoke", wall=31.0, cpu=56.0)  # a rerun replaces
    assert [r.chapter for r in load_runs(tmp_path)] == ["toy"]  # benchmarks/ is not a profile
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
    payload = {
        "n": 50_000,
        "repeats": 5,
        "device": "cpu",
        "hardware": "x86_64, 2 CPUs",
        "gpu": None,
        "torch": "2.13.0",
        "median_epoch_seconds": {"dataloader": 20.0, "fit": 8.0},
        "last_loss": {"dataloader": 130.2, "fit": 130.0},
        "speedup": 2.5,
    }
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "train_throughput.json").write_text(json.dumps(payload))
    md = ThroughputTable(load_benchmark("train_throughput", tmp_path))._repr_markdown_()
    assert "| fit | 8.00 | 6,250 | 130.00 |" in md and "| dataloader | 20.00 | 2,500 |" in md
    assert "**`fit` is 2.50× the DataLoader pipeline**" in md
