"""aebook.cost: what the paper profile's jobs cost, here and on an H200."""

import pytest

from aebook import runner
from aebook.cost import estimate
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
