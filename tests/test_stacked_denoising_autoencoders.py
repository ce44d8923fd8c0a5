"""Table 1 of Vincent et al. (2008): the paper's numbers, the grid, selection on validation."""

import math
from dataclasses import replace

import pytest
import torch

from aebook.data.larochelle import N_CLASSES, PAPER_SIZES, TASKS
from aebook.evaluate import guessing_bound
from aebook.experiments import settings
from aebook.experiments.stacked_denoising_autoencoders import (
    PAPER_TABLE1,
    candidates_table,
    grid_budgets,
    orderings,
    orderings_table,
    paper_verdict,
    table1,
)
from aebook.experiments.stacked_denoising_autoencoders.runs import candidates, run_task
from aebook.profiles import PROFILES
from aebook.train import TrainConfig

from conftest import two_class_splits


def test_paper_table1_intervals_match_50000_test_examples():
    """The ± of every entry of the paper's Table 1 is 1.96 sqrt(p (1 - p) / 50,000), rounded."""
    for task, row in PAPER_TABLE1.items():
        for model in ("saa", "sda"):
            p, half = row[model]
            expected = 100 * 1.96 * math.sqrt(p / 100 * (1 - p / 100) / 50_000)
            assert abs(expected - half) <= 0.006, (task, model, expected, half)
    assert {row["nu"] for row in PAPER_TABLE1.values()} == {0.10, 0.25, 0.40}


def test_paper_verdicts():
    assert paper_verdict("basic") == "ahead" and paper_verdict("bg-rand") == "ahead"
    assert paper_verdict("rot") == "tie" and paper_verdict("convex") == "tie"


def test_every_profile_has_settings_and_standard_runs_the_three_tasks():
    for profile in PROFILES:
        cfg = settings("stacked_denoising_autoencoders", profile)
        assert set(cfg.tasks) <= set(TASKS)
        assert set(cfg.no_guard) <= set(cfg.tasks)
        assert cfg.significance == 0.05  # the conventional level, in every profile
        for task in cfg.tasks:
            assert cfg.sizes(task).n_test <= PAPER_SIZES[task].n_test
    standard = settings("stacked_denoising_autoencoders", "standard")
    assert standard.tasks == ("basic", "rot", "bg-rand") and standard.compare_models
    assert standard.sizes("basic") == PAPER_SIZES["basic"]
    paper = settings("stacked_denoising_autoencoders", "paper")
    assert paper.tasks == TASKS and paper.noise_levels == (0.10, 0.25, 0.40)
    assert standard.no_guard == paper.no_guard == ()  # every task they run is guarded


def test_the_paper_s_own_errors_pass_the_guard():
    for task, row in PAPER_TABLE1.items():  # 50,000 balanced test examples
        k = N_CLASSES[task]
        guard = guessing_bound(torch.arange(k).repeat(50_000 // k))
        assert row["saa"][0] < guard and row["sda"][0] < guard, task


def test_the_grid_differs_between_saa_and_sda_only_in_the_masking_level():
    cfg = settings("stacked_denoising_autoencoders", "paper")
    saa, sda = candidates(cfg, "basic", "saa"), candidates(cfg, "basic", "sda")
    assert {c.nu for c in saa} == {0.0} and {c.nu for c in sda} == {0.10, 0.25, 0.40}
    strip = {replace(c, nu=0.0) for c in sda}
    assert strip == set(saa) and len(sda) == 3 * len(saa)
    standard = settings("stacked_denoising_autoencoders", "standard")
    assert {c.nu for c in candidates(standard, "bg-rand", "sda")} == {0.40}
    with pytest.raises(ValueError, match="model must be one of saa, sda"):
        candidates(cfg, "basic", "dbn")


def _tiny_settings():
    return replace(
        settings("stacked_denoising_autoencoders", "smoke"),
        hidden_sizes=((16, 16),),
        pretrain_epochs=(1,),
        finetune_lrs=(0.05, 0.2),
        finetune=TrainConfig(
            epochs=4, batch_size=20, early_stopping=2, monitor="error", optimizer="sgd"
        ),
    )


def test_run_task_selects_on_validation_and_resumes_from_its_cache(tmp_path):
    cfg, splits = _tiny_settings(), two_class_splits(120, 40, 60)
    result = run_task("rect", cfg, device="cpu", splits=splits, cache_dir=tmp_path)
    assert result.n_candidates == {"saa": 2, "sda": 2}
    assert result.saa.candidate.nu == 0.0 and result.sda.candidate.nu == 0.10
    assert result.saa.test.n == 60 and len(result.sda.predictions) == 60
    assert result.sda.test.percent < 25
    cached = sorted(p.name for p in (tmp_path / "smoke" / "rect").iterdir())
    assert len(cached) == 4
    again = run_task("rect", cfg, device="cpu", splits=splits, cache_dir=tmp_path)
    assert again.sda.test == result.sda.test and again.sda.candidate == result.sda.candidate
    assert torch.equal(again.saa.predictions, result.saa.predictions)
    assert [len(result.runs[m]) for m in ("saa", "sda")] == [2, 2]
    assert result.sda in result.runs["sda"]
    assert min(r.valid_error for r in result.runs["sda"]) == result.sda.valid_error
    assert candidates_table({"rect": result})._repr_markdown_().count("✓") == 2
    table = table1({"rect": result}, cfg)._repr_markdown_()
    assert table.count("paper only") == len(TASKS) - 1
    assert "| rect | 2.41 ± 0.13 | 1.99 ± 0.12 |" in table


def test_orderings_give_mcnemars_p_values_both_ways_on_the_same_test_examples(tmp_path):
    cfg, splits = _tiny_settings(), two_class_splits(120, 40, 60)
    result = run_task("rect", cfg, device="cpu", splits=splits, cache_dir=tmp_path)
    labels = splits.test.y
    right, wrong = labels.clone(), 1 - labels  # SdA-3 right on every example, SAA-3 on none
    result.saa, result.sda = (
        replace(result.saa, predictions=wrong, test=replace(result.saa.test, percent=100.0)),
        replace(result.sda, predictions=right, test=replace(result.sda.test, percent=0.0)),
    )
    v = orderings({"rect": result}, {"rect": labels})["rect"]
    assert v["paper"] == paper_verdict("rect") and v["gap"] == 100.0
    assert v["p_better"] == pytest.approx(0.5**60) and v["p_worse"] == 1.0
    swapped = replace(result, saa=result.sda, sda=result.saa)
    w = orderings({"rect": swapped}, {"rect": labels})["rect"]
    assert (w["p_better"], w["p_worse"]) == (v["p_worse"], v["p_better"])
    table = orderings_table({"rect": v})._repr_markdown_()
    assert "| rect | ahead | +100.00 | 8.7e-19 | 1 |" in table


def test_a_task_is_read_from_part_of_its_grid_and_says_how_much(tmp_path):
    cfg, splits = _tiny_settings(), two_class_splits(120, 40, 60)
    full = run_task("rect", cfg, device="cpu", splits=splits, cache_dir=tmp_path)
    folder = tmp_path / "smoke" / "rect"
    dropped = [c for c in candidates(cfg, "rect", "sda") if c != full.sda.candidate]
    for cand in dropped:  # the jobs have not trained this SdA-3 candidate yet
        (folder / f"{cand.key()}.json").unlink()
    part = run_task("rect", cfg, cache_dir=tmp_path, train=False)  # trains nothing
    assert [len(part.runs[m]) for m in ("saa", "sda")] == [2, 1]
    assert part.n_candidates == {"saa": 2, "sda": 2}
    assert part.sda.candidate == full.sda.candidate
    assert "| 2 of 2; 1 of 2 |" in table1({"rect": part}, cfg)._repr_markdown_()
    budgets = grid_budgets({"rect": part})
    assert budgets["budget: vincent2008/table1/rect/SdA-3"] == 1
    assert budgets["budget: vincent2008/table1/rect/SAA-3"] == 2
    for cand in candidates(cfg, "rect", "sda"):
        (folder / f"{cand.key()}.json").unlink(missing_ok=True)
    with pytest.raises(ValueError, match="none of rect's sda candidates is there"):
        run_task("rect", cfg, cache_dir=tmp_path, train=False)


def test_a_candidate_stopped_by_a_deadline_resumes_to_the_same_run(tmp_path):
    from aebook.experiments.stacked_denoising_autoencoders.runs import (
        finetune_candidate,
        pretrain_candidate,
    )

    cfg = replace(_tiny_settings(), pretrain_epochs=(3,))
    splits = two_class_splits(120, 40, 60)
    cand = candidates(cfg, "rect", "sda")[0]

    resumed_epochs = []

    def train(folder=None, stop_pretraining=None, stop_finetuning=None):
        def record(epoch, history):
            resumed_epochs.append(epoch)

        model = pretrain_candidate(splits, cand, cfg, 2, "cpu", False, folder, stop_pretraining)
        if model is None:  # stopped: the next call resumes from the checkpoints in folder
            model = pretrain_candidate(splits, cand, cfg, 2, "cpu", False, folder, record)
        ckpt = None if folder is None else folder / "finetune.ckpt"
        run = finetune_candidate(model, splits, cand, cfg, "cpu", False, ckpt, stop_finetuning)
        if run is None:
            run = finetune_candidate(model, splits, cand, cfg, "cpu", False, ckpt, record)
        return run

    whole = train()
    calls = []

    def deadline(epoch, history):  # the second layer's second epoch ends past the deadline
        calls.append(epoch)
        return len(calls) == 5

    resumed = train(tmp_path, deadline, lambda epoch, history: epoch == 0)
    assert calls == [0, 1, 2, 0, 1]  # layer 1's three epochs, then layer 2 stopped after two
    assert resumed_epochs[0] == 2  # layer 2 resumed at its third epoch, layer 1 not retrained
    assert resumed_epochs[1] == 1  # and the fine-tuning at its second
    assert resumed.valid_error == whole.valid_error and resumed.test == whole.test
    assert torch.equal(resumed.predictions, whole.predictions)


def test_a_cached_candidate_keeps_its_predictions_and_a_damaged_one_is_refused(tmp_path):
    from aebook.evaluate import classification_error
    from aebook.experiments.stacked_denoising_autoencoders.runs import Run, load_run, save_run

    predictions = torch.tensor([3, 0, 9, 9, 1])
    test = classification_error(predictions, torch.tensor([3, 1, 9, 2, 1]))
    run = Run(candidates(_tiny_settings(), "rect", "saa")[0], 12.5, test, predictions, 3, 1.0)
    save_run(tmp_path / "run.json", run)
    assert '"predictions": "30991"' in (tmp_path / "run.json").read_text()
    assert torch.equal(load_run(tmp_path / "run.json").predictions, predictions)
    text = (tmp_path / "run.json").read_text().replace('"30991"', '"3099"')
    (tmp_path / "run.json").write_text(text)
    with pytest.raises(ValueError, match="run.json: damaged"):
        load_run(tmp_path / "run.json")
    with pytest.raises(ValueError, match="classes 0..9"):
        save_run(tmp_path / "wide.json", replace(run, predictions=torch.tensor([10, 2])))
