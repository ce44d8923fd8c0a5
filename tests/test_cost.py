"""aebook.cost: what the paper profile's jobs cost, here and on an H200."""

import functools

import pytest

from aebook import runner
from aebook.cost import estimate, seconds_per_step
from aebook.experiments import m2, vae_likelihood
from aebook.experiments.stacked_denoising_autoencoders import jobs as sda_jobs
from aebook.experiments.vae import figure2
from aebook.jobs import Job


def test_estimate_lists_every_paper_job_with_cpu_and_gpu_cost():
    jobs = runner.paper_jobs()
    assert [j.key for j in jobs][:2] == ["vae/mnist-nz20", "vae/mnist-nz3"]
    assert {j.kwargs["examples"] for j in jobs if j.page == "vae"} == {figure2.PAPER_EXAMPLES}
    assert {j.page for j in jobs} == {
        "vae",
        "vae_likelihood",
        "stacked_denoising_autoencoders",
        "m2",
    }
    fast = [Job(**{**j.__dict__, "calibrate": lambda: 1e-3}) for j in jobs]
    table = estimate(fast)
    assert table.cpu_hours == pytest.approx(sum(j.steps for j in jobs) * 1e-3 / 3600)
    assert table.gpu_minutes > 0
    assert "vae/frey-nz20" in str(table) and "total" in str(table)
    rows = table.as_rows()
    assert rows[0]["job"] == "vae/mnist-nz20" and len(rows) == len(jobs)
    assert sum(r["gpu_minutes"] for r in rows) == pytest.approx(table.gpu_minutes)


def test_seconds_per_step_doubles_the_steps_until_the_timed_run_lasts_long_enough():
    now, built = [0.0], []

    def prepare(n):  # a step "takes" 0.3 s on a fake clock
        built.append(n)
        return lambda: now.__setitem__(0, now[0] + 0.3 * n)

    assert seconds_per_step(prepare, min_seconds=1.0, clock=lambda: now[0]) == pytest.approx(0.3)
    assert built == [1, 1, 2, 4, 4, 4]  # a warm-up step, 0.3, 0.6 and 1.2 s timed, two more runs


def test_seconds_per_step_is_the_median_of_its_timed_runs():
    now, durations = [0.0], iter([0.5, 1.0, 2.6, 1.1])  # a warm-up, then the third run disturbed

    def prepare(n):
        return lambda: now.__setitem__(0, now[0] + next(durations))

    assert seconds_per_step(prepare, min_seconds=1.0, clock=lambda: now[0]) == pytest.approx(1.1)


@pytest.mark.parametrize(
    "prepare",
    [
        functools.partial(m2._training_steps, "m1"),
        functools.partial(m2._training_steps, "pixels"),
        functools.partial(m2._training_steps, "codes"),
        functools.partial(sda_jobs._finetuning_steps, (1000, 1000, 1000)),
        functools.partial(figure2._training_steps, "mnist", 20),
        functools.partial(figure2._training_steps, "frey", 10),
        functools.partial(vae_likelihood._training_steps, "dynamic"),
        functools.partial(vae_likelihood._training_steps, "static"),
    ],
    ids=[
        *("m1", "m2-pixels", "m2-codes", "sda", "figure2-mnist", "figure2-frey"),
        *("likelihood-dynamic", "likelihood-static"),
    ],
)
def test_every_calibration_trains_its_jobs_code_path_on_the_cpu(prepare):
    # the estimate reports CPU-hours: on a GPU machine an unpinned call would time the GPU
    assert prepare(1).keywords["device"] == "cpu"
    assert 0 < seconds_per_step(prepare, min_seconds=0) < float("inf")
