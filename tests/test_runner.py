"""The job runner: resumable jobs, parallel workers, kept models."""

from __future__ import annotations

import json

import pytest
import torch

from aebook import runner
from aebook.data.store import sha256_of
from aebook.experiments.vae import figure2
from aebook.models import VAE

TINY = 2 * 1_765  # two epochs of the Frey training faces


def tiny_jobs(n_zs=(2, 5)):
    return [
        runner.Job(
            page="vae",
            name=f"frey-nz{n_z}",
            run=figure2.figure2_job,
            kwargs={"dataset": "frey", "n_z": n_z, "examples": TINY, "step_selection_steps": 3},
            flops=1e12,
            steps=36,
        )
        for n_z in n_zs
    ]


def test_jobs_run_in_two_workers_keep_models_and_are_not_rerun(tmp_path):
    results = runner.run(tiny_jobs(), workers=2, root=tmp_path)
    assert set(results) == {"vae/frey-nz2", "vae/frey-nz5"}
    for key, result in results.items():
        folder = tmp_path / key
        assert result["examples"] == TINY
        assert result["models"]["model.pt"] == sha256_of(folder / "model.pt")
        state = torch.load(folder / "model.pt", weights_only=True)
        model = VAE(560, result["n_z"], (200,), activation="tanh", likelihood="gaussian")
        model.load_state_dict(state)
        assert json.loads((folder / "result.json").read_text())["job"] == key
    (tmp_path / "vae/frey-nz2/model.pt").unlink()  # a finished job is read, never retrained
    again = runner.run(tiny_jobs(), workers=1, root=tmp_path)
    assert again["vae/frey-nz2"]["models"] == results["vae/frey-nz2"]["models"]
    assert not (tmp_path / "vae/frey-nz2/model.pt").exists()


def test_an_interrupted_job_resumes_to_the_same_curve(tmp_path, monkeypatch):
    (job,) = tiny_jobs((2,))
    whole = runner.run([job], root=tmp_path / "whole")[job.key]

    class Killed(Exception):
        pass

    real_fit = figure2.fit

    def killed_after_first_epoch(*args, callback=None, **kwargs):
        if callback is None:  # the step-size choice
            return real_fit(*args, **kwargs)

        def then_kill(epoch, history):
            callback(epoch, history)
            raise Killed

        return real_fit(*args, callback=then_kill, **{**kwargs, "checkpoint_every": 0})

    monkeypatch.setattr(figure2, "fit", killed_after_first_epoch)
    with pytest.raises(Killed):
        runner.run([job], root=tmp_path / "cut")
    monkeypatch.setattr(figure2, "fit", real_fit)
    assert not runner.result_path(job, tmp_path / "cut").exists()
    resumed = runner.run([job], root=tmp_path / "cut")[job.key]
    assert resumed["curve"] == whole["curve"]


def test_select_names_the_allowed_jobs():
    jobs = tiny_jobs()
    assert [j.key for j in runner.select(jobs, ["vae"])] == ["vae/frey-nz2", "vae/frey-nz5"]
    assert [j.key for j in runner.select(jobs, ["vae/frey-nz5"])] == ["vae/frey-nz5"]
    with pytest.raises(ValueError, match="vae/frey-nz2"):
        runner.select(jobs, ["vae/mnist-nz7"])


def test_run_rejects_bad_worker_counts(tmp_path):
    with pytest.raises(ValueError, match="workers must be an int >= 1"):
        runner.run(tiny_jobs(), workers=0, root=tmp_path)


def test_a_damaged_result_names_its_file(tmp_path):
    (job,) = tiny_jobs((2,))
    path = runner.result_path(job, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="result.json"):
        runner.load_result(job, tmp_path)


def test_a_deadline_stops_jobs_resumably_and_snapshots_say_how_far(tmp_path):
    jobs = [
        runner.Job(**{**j.__dict__, "progress": figure2.figure2_progress, "target": TINY})
        for j in tiny_jobs()
    ]
    whole = runner.run(jobs[:1], root=tmp_path / "whole")[jobs[0].key]
    part = runner.run(jobs[:1], root=tmp_path / "cut", max_minutes=1e-9)[jobs[0].key]
    assert part == {"finished": False, "examples": 1_765}
    assert not runner.result_path(jobs[0], tmp_path / "cut").exists()
    out = tmp_path / "snap"
    runner.snapshot(jobs, out, root=tmp_path / "cut")
    running = json.loads((out / "vae/frey-nz2.json").read_text())
    assert running["status"] == "running" and running["target"] == TINY
    assert json.loads((out / "vae/frey-nz5.json").read_text())["status"] == "not run"
    resumed = runner.run(jobs[:1], root=tmp_path / "cut")[jobs[0].key]
    assert resumed["curve"] == whole["curve"]
    runner.snapshot(jobs, out, root=tmp_path / "cut")
    finished = json.loads((out / "vae/frey-nz2.json").read_text())
    assert finished["status"] == "finished"
    # each session says which stretch of the examples it trained, and where
    stretches = [(s["examples_from"], s["examples_to"]) for s in finished["sessions"]]
    assert stretches == [(0, 1_765), (1_765, TINY)]
    assert all("hardware" in s["provenance"] for s in finished["sessions"])
    with pytest.raises(ValueError, match="max_minutes"):
        runner.run(jobs, root=tmp_path, max_minutes=0)


def test_the_likelihood_jobs_train_keep_their_model_and_estimate_log_px(tmp_path):
    from aebook.experiments import vae_likelihood

    jobs = vae_likelihood.paper_jobs()
    assert [j.key for j in jobs] == ["vae_likelihood/dynamic", "vae_likelihood/static"]
    assert all(j.target == 3_280 * n for j, n in zip(jobs, (59_600, 50_000), strict=True))
    smoke = [runner.Job(**{**j.__dict__, "kwargs": {**j.kwargs, "profile": "smoke"}}) for j in jobs]
    result = runner.run(smoke[:1], root=tmp_path)["vae_likelihood/dynamic"]
    assert result["k"] == 100 and result["n_test"] == 200 and result["log_px_se"] > 0
    assert -800 < result["log_px"] < 0
    cfg = vae_likelihood.select(vae_likelihood.SETTINGS, "smoke")
    model = vae_likelihood.read_job_model("dynamic", cfg, tmp_path / "vae_likelihood/dynamic")
    assert model.latent_size == 50


def test_table1_jobs_cover_the_grid_and_cache_candidates_for_the_page(tmp_path):
    from aebook.experiments import stacked_denoising_autoencoders as sda
    from aebook.experiments.stacked_denoising_autoencoders.runs import candidates

    cfg = sda.SETTINGS["smoke"]
    jobs = sda.paper_jobs("smoke")
    n_candidates = sum(len(candidates(cfg, t, m)) for t in cfg.tasks for m in ("saa", "sda"))
    assert len(jobs) * len(cfg.finetune_lrs) == n_candidates  # one pretraining per job
    paper = sda.paper_jobs()
    assert paper[0].key.startswith("stacked_denoising_autoencoders/basic-saa")
    assert len(paper) == 8 * (8 + 24)  # per task: 8 SAA-3 and 24 SdA-3 pretrainings
    result = runner.run(jobs[:1], root=tmp_path)[jobs[0].key]
    assert len(result["candidates"]) == len(cfg.finetune_lrs)
    cached = list((tmp_path / "stacked_denoising_autoencoders/runs/smoke").rglob("*.json"))
    assert len(cached) == len(cfg.finetune_lrs)


def test_the_sessions_table_says_where_each_stretch_of_a_job_trained(tmp_path):
    from aebook.results.runtimes import sessions_table

    def session(start, end, hardware, seconds):
        return {
            "examples_from": start, "examples_to": end, "wall_seconds": seconds,
            "cuda_graph": False, "provenance": {"hardware": hardware, "date": "2026-11-30T01:00"},
        }  # fmt: skip

    entry = {"job": "vae/frey-nz2", "sessions": [session(0, 1000, "cpu", 10.0),
                                                 session(1000, 5000, "GPU: H200", 2.0)]}  # fmt: skip
    (tmp_path / "frey-nz2.json").write_text(json.dumps(entry))
    table = sessions_table(tmp_path)._repr_markdown_()
    assert "| vae/frey-nz2 | cpu | 2026-11-30 | 0 → 1e+03 | 10 s | 100 | eager |" in table
    assert (
        "| vae/frey-nz2 | GPU: H200 | 2026-11-30 | 1e+03 → 5e+03 | 2 s | 2,000 | eager |" in table
    )
