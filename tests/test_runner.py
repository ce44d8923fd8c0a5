"""The job runner: resumable jobs, parallel workers, kept models."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import torch

from aebook import runner
from aebook.data import binarize
from aebook.data.frey import FREY_FACE
from aebook.data.mnist import MNIST
from aebook.data.store import sha256_of
from aebook.experiments import settings
from aebook.experiments.vae import figure2
from aebook.jobs import ENV_VAR, Job, load_result, result_path, sessions
from aebook.models import VAE
from aebook.results.records import ENV_VAR as RESULTS_VAR

from conftest import needs_data

TINY = 2 * 1_765  # two epochs of the Frey training faces


class Killed(BaseException):
    """What :func:`killed_after_first_epoch` raises in place of a kill: like a kill, not an error
    of the job that the runner reports and goes on from."""


@contextlib.contextmanager
def killed_after_first_epoch(monkeypatch, module):
    """Within the block, ``module.fit`` trains one epoch (writing its checkpoint) and then stops as
    a killed process would; the block expects that stop. ``fit`` calls without a callback (the
    step-size choice) run whole."""
    real_fit = module.fit

    def fit(*args, callback=None, **kwargs):
        if callback is None:
            return real_fit(*args, **kwargs)

        def then_kill(epoch, history):
            callback(epoch, history)
            raise Killed

        return real_fit(*args, callback=then_kill, **{**kwargs, "checkpoint_every": 0})

    monkeypatch.setattr(module, "fit", fit)
    with pytest.raises(Killed):
        yield
    monkeypatch.setattr(module, "fit", real_fit)


def tiny_jobs(n_zs=(2, 5)):
    return [
        Job(
            page="vae",
            name=f"frey-nz{n_z}",
            run=figure2.figure2_job,
            kwargs={"dataset": "frey", "n_z": n_z, "examples": TINY, "step_selection_steps": 3},
            flops=1e12,
            steps=36,
        )
        for n_z in n_zs
    ]


@needs_data(FREY_FACE)
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


@needs_data(FREY_FACE)
def test_an_interrupted_job_resumes_to_the_same_curve(tmp_path, monkeypatch):
    (job,) = tiny_jobs((2,))
    whole = runner.run([job], root=tmp_path / "whole")[job.key]

    with killed_after_first_epoch(monkeypatch, figure2):
        runner.run([job], root=tmp_path / "cut")
    assert not result_path(job, tmp_path / "cut").exists()
    resumed = runner.run([job], root=tmp_path / "cut")[job.key]
    assert resumed["curve"] == whole["curve"]


def _trains_then_is_killed(folder, **kwargs):
    (folder / "train.ckpt").write_text("1765")  # what a checkpoint kept before the kill
    os.kill(os.getpid(), signal.SIGTERM)
    raise AssertionError("SIGTERM should have stopped the job")


def _killed_job() -> Job:
    return Job(
        page="vae",
        name="killed",
        run=_trains_then_is_killed,
        progress=lambda folder: {"trained_examples": int((folder / "train.ckpt").read_text())},
        flops=1.0,
        steps=1,
    )


def test_a_killed_job_logs_how_far_its_checkpoint_got_and_stops(tmp_path):
    job = _killed_job()
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        runner.run([job], root=tmp_path)
    assert signal.getsignal(signal.SIGTERM) == before  # the handler lasts only while a job runs
    (session,) = sessions(tmp_path / "vae/killed")
    assert session["examples_to"] == 1_765 and session["interrupted"] is True
    assert not result_path(job, tmp_path).exists()


def test_the_command_line_says_where_a_killed_job_stopped_and_ends_without_a_traceback(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(runner, "paper_jobs", lambda: [_killed_job()])
    monkeypatch.setenv(RESULTS_VAR, str(tmp_path / "results"))
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "jobs"))
    (tmp_path / "results").mkdir()
    assert runner.main(["vae/killed"]) == 130  # a shell's code for "stopped by a signal"
    err = capsys.readouterr().err
    assert "vae/killed: stopped at 1,765 examples (its last checkpoint); run again" in err
    assert "Traceback" not in err


STOPPABLE = """
import os
import time

from aebook.jobs import Job


def trains_until_stopped(folder, **kwargs):
    (folder / "train.ckpt").write_text("100")
    (folder / "pid").write_text(str(os.getpid()))
    while True:
        time.sleep(0.05)


def progress(folder):
    return {"trained_examples": int((folder / "train.ckpt").read_text())}


def jobs():
    return [
        Job(page="vae", name=name, run=trains_until_stopped, progress=progress, flops=1.0, steps=1)
        for name in ("a", "b", "c")
    ]
"""

RUNS_TWO_WORKERS = """
import signal
import sys
from pathlib import Path

from aebook import runner
from stoppable import jobs

# as in a terminal's foreground: a background job (CI's) inherits Ctrl-C ignored
signal.signal(signal.SIGINT, signal.default_int_handler)
try:
    runner.run(jobs(), workers=2, root=Path(sys.argv[1]))
except KeyboardInterrupt:
    sys.exit(130)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    "stop", ["SIGTERM to the runner alone", "Ctrl-C to its group", "SIGKILL to the runner alone"]
)
def test_stopping_the_runner_stops_its_workers_at_their_checkpoints_and_starts_no_other_job(
    tmp_path, stop
):
    (tmp_path / "stoppable.py").write_text(STOPPABLE)
    root = tmp_path / "jobs"
    runs = subprocess.Popen(
        [sys.executable, "-c", RUNS_TWO_WORKERS, str(root)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        start_new_session=True,
    )
    try:
        pid_files = [root / "vae" / name / "pid" for name in ("a", "b")]
        waited = time.monotonic()
        while not all(p.exists() and p.read_text() for p in pid_files):
            assert runs.poll() is None and time.monotonic() - waited < 120, "workers did not start"
            time.sleep(0.1)
        workers = [int(p.read_text()) for p in pid_files]
        if stop.startswith("SIGTERM"):
            os.kill(runs.pid, signal.SIGTERM)  # as `pkill -f "aebook.runner"` finds it
        elif stop.startswith("SIGKILL"):  # as out of memory: its workers must not train on
            if sys.platform != "linux":
                pytest.skip("a worker learns of its runner's death from Linux's prctl")
            os.kill(runs.pid, signal.SIGKILL)
        else:
            os.killpg(runs.pid, signal.SIGINT)
        assert runs.wait(timeout=60) == (-signal.SIGKILL if stop.startswith("SIGKILL") else 130)
        waited = time.monotonic()
        while any(_alive(pid) for pid in workers) and time.monotonic() - waited < 10:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a worker trains on as an orphan"
    finally:  # whatever failed, leave no process behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(runs.pid, signal.SIGKILL)
    for name in ("a", "b"):
        (session,) = sessions(root / "vae" / name)
        assert session["interrupted"] is True and session["examples_to"] == 100
    assert not (root / "vae/c").exists()  # queued behind them: never started


def _counts_its_runs(folder, **kwargs):
    runs = folder / "runs"
    n = int(runs.read_text()) + 1 if runs.exists() else 1
    runs.write_text(str(n))
    return {"summary": f"run {n} time(s)", "n": n}


def _sleeps_past_its_deadline(folder, deadline=None, **kwargs):
    import time

    time.sleep(max(0.0, deadline - time.time()) + 0.05)
    return {"summary": "trained past the deadline to the end of its epoch"}


def _refuses_its_checkpoint(folder, **kwargs):
    raise ValueError(f"checkpoint {folder}/train.ckpt belongs to another run")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_job_is_reported_the_others_run_and_the_run_then_fails(
    tmp_path, monkeypatch, capsys, workers
):
    """A job that raises neither ends the others (they train on) nor goes unnoticed: it is
    reported as it fails, the others finish, and then the run (and the command line) fail."""
    failing = Job(page="vae", name="refused", run=_refuses_its_checkpoint, flops=1.0, steps=1)
    jobs = [failing, *(
        Job(page="vae", name=name, run=_counts_its_runs, flops=1.0, steps=1)
        for name in ("after", "beside")
    )]  # fmt: skip
    with pytest.raises(runner.JobsFailed, match="1 job.*vae/refused: ValueError: checkpoint"):
        runner.run(jobs, workers=workers, root=tmp_path)
    assert "vae/refused: failed; the other jobs go on" in capsys.readouterr().err
    assert all(load_result(job, tmp_path)["n"] == 1 for job in jobs[1:])  # they ran to the end

    monkeypatch.setattr(runner, "paper_jobs", lambda: jobs)
    monkeypatch.setenv(RESULTS_VAR, str(tmp_path / "results"))
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    (tmp_path / "results").mkdir()
    assert runner.main(["vae", "--workers", str(workers)]) == 1
    out = capsys.readouterr().out
    assert "vae/refused: failed (ValueError: checkpoint" in out and "vae/after: run 1" in out


def test_no_job_starts_after_the_deadline_though_a_started_one_ends_its_epoch(tmp_path):
    first, second = (
        Job(page="vae", name=name, run=_sleeps_past_its_deadline, flops=1.0, steps=1)
        for name in ("first", "second")
    )
    results = runner.run([first, second], root=tmp_path, max_minutes=0.002)
    assert results[first.key]["summary"].startswith("trained past")
    assert results[second.key] == {"finished": False, "late": True}
    assert not (tmp_path / "vae/second").exists()


def test_a_job_another_process_holds_is_skipped_not_trained_twice(tmp_path):
    import fcntl

    job = Job(page="vae", name="shared", run=_counts_its_runs, flops=1.0, steps=1)
    lock = tmp_path / "vae" / ".shared.lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as held:  # another runner (one per core) is training it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert runner.run([job], root=tmp_path)[job.key] == {"finished": False, "busy": True}
        assert not (tmp_path / "vae/shared").exists()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(ENV_VAR, str(tmp_path))
            assert runner._listed(job, tmp_path / "results") == "running in another process"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_VAR, str(tmp_path))
        assert runner._listed(job, tmp_path / "results") == "to run"
    assert runner.run([job], root=tmp_path)[job.key]["n"] == 1  # released: it runs, once
    assert runner.run([job], root=tmp_path)[job.key]["n"] == 1  # and is then read


def test_select_names_the_allowed_jobs():
    jobs = tiny_jobs()
    assert [j.key for j in runner.select(jobs, ["vae"])] == ["vae/frey-nz2", "vae/frey-nz5"]
    assert [j.key for j in runner.select(jobs, ["vae/frey-nz5"])] == ["vae/frey-nz5"]
    with pytest.raises(ValueError, match="one of its jobs \\(vae/frey-nz2, vae/frey-nz5\\)"):
        runner.select(jobs, ["vae/mnist-nz7"])
    with pytest.raises(ValueError, match="job must be a page \\(vae\\) or one of its jobs"):
        runner.select(jobs, ["nosuchpage"])


def test_run_rejects_bad_worker_counts(tmp_path):
    with pytest.raises(ValueError, match="workers must be an int >= 1"):
        runner.run(tiny_jobs(), workers=0, root=tmp_path)


def test_a_damaged_result_names_its_file(tmp_path):
    (job,) = tiny_jobs((2,))
    path = result_path(job, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="result.json"):
        load_result(job, tmp_path)


def _counted_progress(folder):
    trained = int((folder / "train.ckpt").read_text())
    return {"examples": trained, "trained_examples": trained}


def test_a_snapshot_ahead_of_this_machine_is_kept_until_the_parked_state_is_behind_it(tmp_path):
    job = Job(
        page="vae", name="long", run=_counts_its_runs, progress=_counted_progress,
        target=1_000, flops=1.0, steps=1,
    )  # fmt: skip
    out, parked = tmp_path / "snapshots", tmp_path / "parked"

    def machine(name: str, trained: int) -> Path:
        (tmp_path / name / "vae/long").mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "vae/long/train.ckpt").write_text(str(trained))
        return tmp_path / name

    def said() -> int:
        return json.loads((out / "vae/long.json").read_text())["examples"]

    runner.snapshot([job], out, root=machine("first", 800), parked=parked)
    runner.park([job], parked, root=tmp_path / "first")
    # a machine behind the snapshot, while the parked state a run resumes from backs it
    (line,) = runner.snapshot([job], out, root=machine("second", 500), parked=parked)
    assert "kept" in line and said() == 800
    # the parked state deleted (its run voided) and parked again from the restarted run
    shutil.rmtree(parked / "vae/long")
    runner.park([job], parked, root=tmp_path / "second")
    (line,) = runner.snapshot([job], out, root=tmp_path / "second", parked=parked)
    assert (
        "replaced, as it said 800 examples, and the parked state a run resumes from has 500" in line
    )
    assert said() == 500


@needs_data(FREY_FACE)
def test_a_deadline_stops_jobs_resumably_and_snapshots_say_how_far(tmp_path):
    jobs = [
        Job(**{**j.__dict__, "progress": figure2.figure2_progress, "target": TINY})
        for j in tiny_jobs()
    ]
    whole = runner.run(jobs[:1], root=tmp_path / "whole")[jobs[0].key]
    part = runner.run(jobs[:1], root=tmp_path / "cut", max_minutes=1e-9)[jobs[0].key]
    assert part == {"finished": False, "examples": 1_765}
    assert not result_path(jobs[0], tmp_path / "cut").exists()
    out = tmp_path / "snap"
    runner.snapshot(jobs, out, root=tmp_path / "cut")
    running = json.loads((out / "vae/frey-nz2.json").read_text())
    assert running["status"] == "unfinished" and running["target"] == TINY
    assert datetime.fromisoformat(running["taken"]) <= datetime.now(timezone.utc)
    assert json.loads((out / "vae/frey-nz5.json").read_text())["status"] == "not run"
    resumed = runner.run(jobs[:1], root=tmp_path / "cut")[jobs[0].key]
    assert resumed["curve"] == whole["curve"]
    runner.snapshot(jobs, out, root=tmp_path / "cut")
    finished = json.loads((out / "vae/frey-nz2.json").read_text())
    assert finished["status"] == "finished" and "taken" not in finished  # its sessions date it
    # a machine that holds none of these jobs keeps what the snapshots say, not "not run"
    lines = runner.snapshot(jobs, out, root=tmp_path / "elsewhere")
    assert json.loads((out / "vae/frey-nz2.json").read_text()) == finished
    assert "kept" in lines[0] and "kept" not in lines[1]  # frey-nz5 was not run anywhere
    # each session says which stretch of the examples it trained, and where
    stretches = [(s["examples_from"], s["examples_to"]) for s in finished["sessions"]]
    assert stretches == [(0, 1_765), (1_765, TINY)]
    assert all("hardware" in s["provenance"] for s in finished["sessions"])
    with pytest.raises(ValueError, match="max_minutes"):
        runner.run(jobs, root=tmp_path, max_minutes=0)


@needs_data(FREY_FACE)
def test_parked_jobs_resume_on_another_machine_and_damage_is_refused(tmp_path):
    jobs = [
        Job(**{**j.__dict__, "progress": figure2.figure2_progress, "target": TINY})
        for j in tiny_jobs()
    ]
    here, there, parked = tmp_path / "here", tmp_path / "there", tmp_path / "parked"
    whole = runner.run(jobs[:1], root=tmp_path / "whole")[jobs[0].key]
    runner.run(jobs[:1], root=here, max_minutes=1e-9)  # one of two epochs
    (line,) = runner.park(jobs, parked, root=here)  # frey-nz5 has nothing to carry
    assert "1,765 of 3,530 examples" in line
    manifest = json.loads((parked / "vae/frey-nz2/manifest.json").read_text())
    assert manifest["status"] == "unfinished" and set(manifest["files"]) == {
        "train.ckpt",
        "sessions.json",
        "step.json",  # the step size it chose travels with it, not chosen again there
    }
    # a park that stopped after moving the old state aside, before the new one took its place
    (parked / "vae/frey-nz2").rename(parked / "vae/.frey-nz2.replaced")
    (line,) = runner.unpark(jobs, parked, root=there)  # a machine without the job
    assert not (parked / "vae/.frey-nz2.replaced").exists()
    assert line.startswith("vae/frey-nz2: resumed from")
    resumed = runner.run(jobs[:1], root=there)[jobs[0].key]
    assert resumed["curve"] == whole["curve"]
    stretches = [(s["examples_from"], s["examples_to"]) for s in sessions(there / "vae/frey-nz2")]
    assert stretches == [(0, 1_765), (1_765, TINY)]
    assert runner.unpark(jobs, parked, root=there) == []  # never replaces a job that got further
    runner.park(jobs, parked, root=there)  # finished: its kept model and result travel
    manifest = json.loads((parked / "vae/frey-nz2/manifest.json").read_text())
    assert manifest["status"] == "finished" and "train.ckpt" not in manifest["files"]
    elsewhere = tmp_path / "elsewhere"
    runner.unpark(jobs, parked, root=elsewhere)
    assert load_result(jobs[0], elsewhere) == load_result(jobs[0], there)
    assert runner.run(jobs[:1], root=elsewhere)[jobs[0].key] == resumed  # nothing retrained
    kept = next(name for name in manifest["files"] if name.endswith(".pt"))
    (parked / "vae/frey-nz2" / kept).write_bytes(b"damaged")
    with pytest.raises(ValueError, match="damaged or missing"):
        runner.unpark(jobs, parked, root=tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()
    other = [Job(**{**jobs[0].__dict__, "kwargs": {**jobs[0].kwargs, "n_z": 3}})]
    with pytest.raises(ValueError, match="parked for kwargs"):
        runner.unpark(other, parked, root=tmp_path / "fresh")


@needs_data(FREY_FACE)
def test_the_command_line_parks_and_a_new_machine_resumes(tmp_path, monkeypatch, capsys):
    jobs = [
        Job(**{**j.__dict__, "progress": figure2.figure2_progress, "target": TINY})
        for j in tiny_jobs()
    ]
    monkeypatch.setattr(runner, "paper_jobs", lambda: jobs)
    monkeypatch.delenv(RESULTS_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "old-machine"))
    with pytest.raises(SystemExit):  # outside the repository it would miss the parked states
        runner.main(["vae/frey-nz2"])
    assert "run this inside the repository" in capsys.readouterr().err
    (tmp_path / "results").mkdir()  # the repository: --park writes results/paper/parked
    (tmp_path / "pyproject.toml").touch()
    (tmp_path / "book").mkdir()
    monkeypatch.chdir(tmp_path / "book")  # any folder of it will do
    runner.main(["vae/frey-nz2", "--max-minutes", "1e-9"])
    with pytest.raises(SystemExit):  # a job where the folder may go is refused, not a folder
        runner.main(["--park", "vae/frey-nz2"])
    assert "--park takes an optional folder" in capsys.readouterr().err
    runner.main(["vae/frey-nz2", "--park"])
    assert "vae/frey-nz2: parked (1,765 of 3,530 examples)" in capsys.readouterr().out
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "new-machine"))
    runner.main(["--list", "vae/frey-nz2"])
    assert "to run; parked at 1,765 examples" in capsys.readouterr().out
    runner.main(["vae/frey-nz2"])
    out = capsys.readouterr().out.splitlines()
    parked = tmp_path.resolve() / "results/paper/parked/vae/frey-nz2"
    assert out[0].startswith(f"vae/frey-nz2: resumed from {parked}")
    logged = sessions(tmp_path / "new-machine/vae/frey-nz2")
    assert [(s["examples_from"], s["examples_to"]) for s in logged] == [(0, 1_765), (1_765, TINY)]
    runner.main(["--snapshot"])  # the job finished here: its kept model is parked with it
    assert "vae/frey-nz2: parked (finished)" in capsys.readouterr().out
    assert json.loads((parked / "manifest.json").read_text())["status"] == "finished"
    runner.main(["--snapshot"])  # once
    assert "parked" not in capsys.readouterr().out


def test_each_likelihood_job_is_timed_and_trained_in_its_own_regime(tmp_path):
    """The dynamic model binarizes every minibatch, the static one does not, and the calibration
    follows the job; a name that is neither fails before any work, naming the allowed values."""
    from aebook.data import binarize
    from aebook.experiments import vae_likelihood

    cfg = vae_likelihood.SETTINGS["paper"]
    assert vae_likelihood.regime("dynamic", cfg) == (59_600, 3_280, binarize)
    assert vae_likelihood.regime("static", cfg) == (50_000, 3_280, None)
    for name in ("dynamic", "static"):
        timed = vae_likelihood._training_steps(name, 1).keywords["transform"]
        assert timed is vae_likelihood.regime(name, cfg).transform
    for call in (
        lambda: vae_likelihood._training_steps("fixed", 1),
        lambda: vae_likelihood.likelihood_job(tmp_path, binarization="fixed"),
    ):
        with pytest.raises(ValueError, match="binarization must be one of dynamic, static"):
            call()
    assert not any(tmp_path.iterdir())


@needs_data(MNIST)
def test_the_likelihood_jobs_train_keep_their_model_and_estimate_log_px(tmp_path):
    from aebook.experiments import vae_likelihood

    jobs = vae_likelihood.paper_jobs()
    assert [j.key for j in jobs] == ["vae_likelihood/dynamic", "vae_likelihood/static"]
    assert all(j.target == 3_280 * n for j, n in zip(jobs, (59_600, 50_000), strict=True))
    smoke = [Job(**{**j.__dict__, "kwargs": {**j.kwargs, "profile": "smoke"}}) for j in jobs]
    # stopped at its deadline after one of its two epochs: the snapshot says how far it got
    part = runner.run(smoke[:1], root=tmp_path, max_minutes=1e-9)["vae_likelihood/dynamic"]
    assert part == {"finished": False, "examples": 3_000}
    runner.snapshot(smoke, tmp_path / "snap", root=tmp_path)
    running = json.loads((tmp_path / "snap/vae_likelihood/dynamic.json").read_text())
    assert running["status"] == "unfinished" and running["epochs"] == 1
    assert running["examples"] == 3_000 and len(running["train_elbo"]) == 1
    assert running["sessions"][0]["examples_to"] == 3_000
    snapshots = vae_likelihood.paper_snapshots(tmp_path / "snap/vae_likelihood")
    assert list(snapshots) == ["dynamic", "static"]
    (drawn,) = vae_likelihood.snapshot_histories(snapshots).values()  # static has no curve yet
    assert drawn.train["elbo"] == running["train_elbo"] and drawn.samples_seen == [3_000]
    table = vae_likelihood.snapshot_table(snapshots)
    ended = running["sessions"][0]["provenance"]["date"]  # ISO 8601, UTC
    assert table.title == f"The paper's trainings as of {ended[:10]} {ended[11:16]} UTC"
    rows = table.rows
    assert rows[0][-1] == running["sessions"][0]["provenance"]["hardware"].split(",")[0]
    assert rows[0][:3] == ["dynamic", "unfinished", "1 of 3,280"] and rows[0][4] == "not yet"
    assert rows[1][:3] == ["static", "not run", "0 of 3,280"] and rows[1][6] == "—"
    estimate = {"rows": [{"job": "vae_likelihood/dynamic", "cpu_hours": 4.0}]}  # no static row
    rows = vae_likelihood.snapshot_table(snapshots, estimate).rows
    left = 1 - 3_000 / running["target"]  # one epoch of 3,280 trained
    assert rows[0][6] == f"{4.0 * left:.1f}" and rows[1][6] == "—"
    (partial,) = vae_likelihood.paper_histories(root=tmp_path).values()
    assert partial.epochs == 1 and partial.train["elbo"] == running["train_elbo"]
    result = runner.run(smoke[:1], root=tmp_path)["vae_likelihood/dynamic"]
    (whole,) = vae_likelihood.paper_histories(root=tmp_path).values()  # kept with the model
    assert whole.epochs == 2 and whole.train["elbo"][:1] == partial.train["elbo"]
    assert result["k"] == 100 and result["n_test"] == 200 and result["log_px_se"] > 0
    assert -800 < result["log_px"] < 0
    runner.snapshot(smoke, tmp_path / "snap", root=tmp_path)  # a finished job keeps its curve
    snapshots = vae_likelihood.paper_snapshots(tmp_path / "snap/vae_likelihood")
    finished = vae_likelihood.snapshot_histories(snapshots)["dynamic"]
    assert finished.train["elbo"] == whole.train["elbo"] and finished.samples_seen[-1] == 6_000
    row = vae_likelihood.snapshot_table(snapshots).rows[0]
    assert row[1] == "finished" and row[4] == f"{result['log_px']:.2f} ± {result['log_px_se']:.2f}"
    assert vae_likelihood.paper_snapshots(None) == {}
    assert vae_likelihood.late_floor({"dynamic": finished}, skip=2) == finished.train["elbo"][1] - 1
    assert vae_likelihood.late_floor({"dynamic": finished}, skip=3) is None
    found, unfinished = vae_likelihood.paper_results("smoke", root=tmp_path)  # trains nothing
    assert list(found) == ["dynamic"] and list(unfinished) == ["static"]
    assert "python -m aebook.runner vae_likelihood/static" in unfinished["static"]
    runner.run(smoke[1:], root=tmp_path)
    found, unfinished = vae_likelihood.paper_results("smoke", root=tmp_path)
    assert list(found) == ["dynamic", "static"] and unfinished == {}
    model, read = found["dynamic"]
    assert model.latent_size == 50 and not model.training and read == result
    (tmp_path / "vae_likelihood/static/model.pt").write_bytes(b"swapped")
    with pytest.raises(ValueError, match="not the file its job kept"):
        vae_likelihood.paper_results("smoke", root=tmp_path)


@needs_data(MNIST)
def test_table1_jobs_cover_the_grid_and_cache_candidates_for_the_page(tmp_path):
    from aebook.experiments import stacked_denoising_autoencoders as sda
    from aebook.experiments.stacked_denoising_autoencoders.runs import candidates

    cfg = sda.SETTINGS["smoke"]
    jobs = sda.paper_jobs("smoke")
    n_candidates = sum(len(candidates(cfg, t, m)) for t in cfg.tasks for m in ("saa", "sda"))
    assert len(jobs) * len(cfg.finetune_lrs) == n_candidates  # one pretraining per job
    paper = sda.paper_jobs()
    assert len(paper) == 8 * (8 + 24)  # per task: 8 SAA-3 and 24 SdA-3 pretrainings
    first = [(j.kwargs["task"], j.kwargs["model"]) for j in paper[:16]]  # a row for every task
    assert first == [(t, m) for t in sda.SETTINGS["paper"].tasks for m in ("saa", "sda")]
    assert {(tuple(j.kwargs["hidden"]), j.kwargs["pretrain_epochs"]) for j in paper[:16]} == {
        ((1000, 1000, 1000), 10)
    }
    paper_nu = [j.kwargs["nu"] in (0.0, sda.PAPER_TABLE1[j.kwargs["task"]]["nu"]) for j in paper]
    point = [
        (j.kwargs["hidden"][0], j.kwargs["pretrain_epochs"], j.kwargs["pretrain_lr"]) for j in paper
    ]
    levels = paper[16:32]  # then SdA-3's other two ν at that point, on every task
    assert [(j.kwargs["task"], j.kwargs["model"]) for j in levels] == [
        (t, "sda") for t in sda.SETTINGS["paper"].tasks for _ in range(2)
    ]
    assert not any(paper_nu[16:32]) and set(point[:32]) == {(1000, 10, 0.05)}
    assert all(paper_nu[32:144]) and not any(paper_nu[144:])  # the rest at the paper's ν first
    assert (1000, 10, 0.05) not in point[32:]
    result = runner.run(jobs[:1], root=tmp_path)[jobs[0].key]
    assert len(result["candidates"]) == len(cfg.finetune_lrs)
    cached = list((tmp_path / "stacked_denoising_autoencoders/runs/smoke").rglob("*.json"))
    assert len(cached) == len(cfg.finetune_lrs)
    assert not list(tmp_path.rglob("*.ckpt"))  # a finished job's checkpoints are gone


@needs_data(MNIST)
def test_stacked_table1_jobs_train_their_group_once_and_the_others_wait(tmp_path, monkeypatch):
    from aebook.experiments import stacked_denoising_autoencoders as sda
    from aebook.experiments.stacked_denoising_autoencoders import jobs as table1
    from aebook.experiments.stacked_denoising_autoencoders import stacked

    monkeypatch.setenv(table1.STACK_VAR, "1")
    saa, sda_job = sda.paper_jobs("smoke")[:2]  # basic: one group of SAA-3 and SdA-3
    assert runner.run([sda_job], root=tmp_path)[sda_job.key] == {
        "finished": False,
        "waiting_for": saa.key,  # the group's first job trains it
    }
    trained = []
    monkeypatch.setattr(
        table1, "train_group", lambda *a: trained.append(a[2]) or stacked.train_group(*a)
    )
    done = runner.run([saa, sda_job], root=tmp_path, workers=1)
    assert [[c.nu for c in group] for group in trained] == [[0.0, 0.1]]  # once, both models
    assert all(len(done[j.key]["candidates"]) == 1 for j in (saa, sda_job))
    results, unfinished = table1.paper_results("smoke", root=tmp_path)
    assert list(results) == ["basic"] and unfinished == {"rect": 2}


def run_page_in_paper(page: str, tmp_path, monkeypatch) -> str:
    """Run the book's ``page`` (``<part>/<name>``) in ``paper`` on the jobs under
    ``tmp_path/jobs``, recording into ``tmp_path/results``; return its printed and Markdown
    outputs."""
    import nbformat
    from nbclient import NotebookClient

    for name, value in (("AEBOOK_PROFILE", "paper"), (ENV_VAR, str(tmp_path / "jobs")),
                        (RESULTS_VAR, str(tmp_path / "results"))):  # fmt: skip
        monkeypatch.setenv(name, value)
    path = Path(__file__).resolve().parents[1] / "book" / f"{page}.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    return "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/markdown", "")
        for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
    )  # fmt: skip


def test_the_table1_page_in_paper_reads_each_task_whose_grid_finished_and_trains_nothing(
    tmp_path,
):
    from aebook.experiments import stacked_denoising_autoencoders as sda
    from aebook.experiments.stacked_denoising_autoencoders.jobs import paper_results
    from aebook.experiments.stacked_denoising_autoencoders.runs import run_task

    cfg = settings("stacked_denoising_autoencoders", "smoke")
    rect = [job for job in sda.paper_jobs("smoke") if job.kwargs["task"] == "rect"]
    assert len(rect) == 2  # SAA-3 and SdA-3 at the paper's ν: one pretraining each
    runner.run(rect[:1], root=tmp_path)
    results, unfinished = paper_results("smoke", root=tmp_path)
    assert results == {} and unfinished == {"basic": 2, "rect": 1}
    cache = tmp_path / "stacked_denoising_autoencoders/runs"
    with pytest.raises(ValueError, match="none of rect's sda candidates is there"):
        run_task("rect", cfg, cache_dir=cache, train=False)
    runner.run(rect[1:], root=tmp_path)
    results, unfinished = paper_results("smoke", root=tmp_path)
    assert list(results) == ["rect"] and unfinished == {"basic": 2}
    assert results["rect"].sda.candidate.nu == sda.PAPER_TABLE1["rect"]["nu"]
    assert results["rect"].saa.test.n == cfg.sizes("rect").n_test
    (tmp_path / "stacked_denoising_autoencoders" / rect[1].name / "result.json").unlink()
    results, unfinished = paper_results("smoke", root=tmp_path)  # SdA-3's job is unfinished again
    assert results == {} and unfinished == {"basic": 2, "rect": 1}


def test_the_table1_grid_table_counts_finished_jobs_their_candidates_and_what_the_rest_costs(
    tmp_path,
):
    from aebook.experiments.stacked_denoising_autoencoders import jobs as table1

    jobs = table1.paper_jobs()
    estimate = {
        "rows": [{"job": j.key, "cpu_hours": 1.0, "gpu_minutes": 0.5} for j in jobs],
        "provenance": {"hardware": "AMD EPYC, 2 logical CPU cores, GPU: none",
                       "date": "2026-12-01T04:33:48+00:00"},
    }  # fmt: skip
    saa, sda = jobs[:2]
    assert [saa.kwargs["task"], saa.kwargs["model"], sda.kwargs["model"]] == ["basic", "saa", "sda"]
    finished = {
        "status": "finished",
        "candidates": [{"candidate": "a"}, {"candidate": "b"}],
        "sessions": [{"wall_seconds": 5400.0}, {"wall_seconds": 1800.0}],
    }
    stopped = {"status": "to run", "sessions": [{"wall_seconds": 3600.0}]}
    (tmp_path / f"{saa.name}.json").write_text(json.dumps(finished))
    (tmp_path / f"{sda.name}.json").write_text(json.dumps(stopped))
    table = table1.grid_table(table1.paper_snapshots(tmp_path), estimate)
    rows = {row[0]: row for row in table.rows}
    basic = sum(j.kwargs["task"] == "basic" for j in jobs)
    assert rows["basic"] == [
        "basic", f"1 of {basic}", "2 of 16", "0 of 48", "3.0", f"{basic - 1:.1f}",
        f"{(basic - 1) / 2:.1f}"
    ]  # fmt: skip
    assert rows["rect"][1:5] == [f"0 of {basic}", "0 of 16", "0 of 48", "0.0"]
    assert rows["total"][1] == f"1 of {len(jobs)}" and rows["total"][4:6] == [
        "3.0",
        f"{len(jobs) - 1:.1f}",
    ]
    assert "AMD EPYC, 2026-12-01" in table.note


@needs_data(MNIST)
def test_the_table1_page_in_paper_reads_the_tasks_with_candidates_and_marks_the_rest_not_yet(
    tmp_path, monkeypatch
):
    """The page's own `paper` path on one SAA-3 and one SdA-3 candidate of rect, as finished
    jobs keep them (their predictions are random and their 40 % error made up, below the
    guessing bound the page guards: the numbers mean nothing)."""
    from aebook.evaluate import ErrorRate
    from aebook.experiments.stacked_denoising_autoencoders.jobs import _job_name
    from aebook.experiments.stacked_denoising_autoencoders.runs import Run, candidates, save_run

    cfg = settings("stacked_denoising_autoencoders", "paper")
    n, g = cfg.sizes("rect").n_test, torch.Generator().manual_seed(0)
    for model in ("saa", "sda"):
        cand = candidates(cfg, "rect", model)[0]
        job = tmp_path / "jobs/stacked_denoising_autoencoders" / _job_name("rect", model, cand)
        job.mkdir(parents=True)
        guesses = torch.randint(0, 2, (n,), generator=g)
        save_run(
            job / f"{cand.key()}.json", Run(cand, 40.0, ErrorRate(40.0, 0.43, n), guesses, 3, 1.0)
        )
        (job / "result.json").write_text("{}")
    text = run_page_in_paper(
        "01_denoising_autoencoders/stacked_denoising_autoencoders", tmp_path, monkeypatch
    )
    assert "rect: 62 candidates still to train" in text
    assert "| rect | 2.41 ± 0.13 | 1.99 ± 0.12 | 10 % | 40.00 ± 0.43 | 40.00 ± 0.43 |" in text
    assert text.count("| not yet |") == 7 and "paper only" not in text
    record = json.loads(
        (tmp_path / "results/paper/stacked_denoising_autoencoders.json").read_text()
    )
    assert record["measurements"]["budget: vincent2008/table1/rect/SdA-3"] == 1
    assert not any(key.startswith("basic") for key in record["measurements"])


def test_the_sessions_table_says_where_each_stretch_of_a_job_trained(tmp_path):
    from aebook.results.performance import sessions_table

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


def test_what_is_left_to_run_counts_finished_jobs_as_done_and_started_ones_by_their_share(
    tmp_path,
):
    from aebook.results.performance import remaining_table

    def row(job, cpu, gpu):
        return {"job": job, "tflop": 1.0, "steps": 10, "cpu_hours": cpu, "gpu_minutes": gpu}

    estimate = {
        "rows": [row("vae/a", 2.0, 10.0), row("vae/b", 4.0, 20.0), row("vae/c", 1.0, 1.0),
                 row("m2/m1", 3.0, 6.0)],
        "provenance": {"date": "2026-11-30T13:00:00+00:00", "hardware": "x86_64, 2 CPUs"},
    }  # fmt: skip
    (tmp_path / "vae").mkdir()
    (tmp_path / "vae/a.json").write_text(json.dumps({"status": "finished", "target": 100}))
    (tmp_path / "vae/b.json").write_text(
        json.dumps({"status": "unfinished", "examples": 25, "target": 100})
    )
    table = remaining_table(estimate, tmp_path)
    assert table.rows == [
        ["vae", "3", "1", "1", "4.0", "16.0"],
        ["m2", "1", "0", "0", "3.0", "6.0"],
    ]
    assert "7.0 CPU hours" in table.note and "about 22 H200 minutes" in table.note
    assert "Measured 2026-11-30 on x86_64, 2 CPUs" in table.note


#: The M2 jobs at a tiny scale, through the paper's code path: 1,000 images in 10 fixed
#: minibatches of 10 labelled and 90 unlabelled images.
M2_TINY = {
    "procedure": "released", "n_train": 1_000, "batch_size": 100, "n_test": 200,
    "latent_size": 5, "hidden_sizes": (20,), "m1_hidden_sizes": (30,), "m1m2_hidden_sizes": (20,),
    "epochs": 2, "m1_epochs": 2, "m1m2_epochs": 2, "m1_batch_size": 100, "seeds": (0, 1),
}  # fmt: skip


def test_the_m2_paper_jobs_are_m1_then_one_job_per_draw_of_the_labels():
    from aebook.experiments import m2

    jobs = m2.paper_jobs()
    assert [j.key for j in jobs] == [
        "m2/m1",
        *(f"m2/m1m2-seed{s}" for s in range(5)),
        *(f"m2/m2-seed{s}" for s in range(5)),
    ]
    assert jobs[0].target == 10_000 * 50_000 and jobs[0].steps == 10_000 * 50
    assert {j.steps for j in jobs[1:]} == {3_000 * 100}  # 100 minibatches a pass
    assert all(j.flops > 0 for j in jobs)
    assert jobs[-1].flops > jobs[1].flops  # pixels cost more than M1's 50-d codes
    assert [j.key for j in runner.paper_jobs() if j.page == "m2"] == [j.key for j in jobs]
    pages = list(dict.fromkeys(j.page for j in runner.paper_jobs()))
    assert pages == ["vae", "vae_likelihood", "m2", "stacked_denoising_autoencoders"]


@needs_data(MNIST)
def test_m1_m2_jobs_wait_for_m1_then_keep_models_and_each_draws_error(tmp_path):
    from aebook.experiments import m2

    jobs = m2.paper_jobs("smoke", M2_TINY)
    m1m2 = jobs[1]
    early = runner.run([m1m2], root=tmp_path)[m1m2.key]
    assert early == {"finished": False, "examples": 0, "waiting_for": "m2/m1"}
    assert not (tmp_path / m1m2.key).exists()  # a snapshot says "not run", not "unfinished"
    results = runner.run(jobs, root=tmp_path)
    m1_sha = sha256_of(tmp_path / "m2/m1/model.pt")
    assert results["m2/m1"]["models"] == {"model.pt": m1_sha}
    for key in ("m2/m2-seed0", "m2/m1m2-seed0", "m2/m1m2-seed1"):
        result = results[key]
        assert result["models"]["model.pt"] == sha256_of(tmp_path / key / "model.pt")
        assert 0 <= result["test_error"] <= 100 and result["n_test"] == 200
        assert result["examples"] == 2 * 1_000 and len(result["curve"]) == 2
        state = torch.load(tmp_path / key / "train.ckpt", weights_only=True)
        assert state["history"]["samples_seen"] == [10, 20]  # 10 fixed minibatches a pass
    assert set(results["m2/m2-seed0"]["models"]) == {"model.pt"}
    assert set(results["m2/m1m2-seed0"]["models"]) == {"model.pt", m2.TEST_CODES}  # parked too
    assert results["m2/m1m2-seed0"]["m1_model"] == m1_sha
    assert 1 <= results["m2/m1m2-seed0"]["code_dimensions"] <= 5
    draws = [set(results[f"m2/m1m2-seed{s}"]["labelled"]) for s in (0, 1)]
    assert draws[0] != draws[1] and all(len(d) == 100 for d in draws)
    from aebook.data import load_mnist

    y = load_mnist(n_valid=59_000).train.y
    assert torch.bincount(y[sorted(draws[0])], minlength=10).tolist() == [10] * 10


@needs_data(MNIST)
def test_the_m2_page_reads_each_finished_draw_and_trains_nothing_in_paper(tmp_path):
    from aebook.evaluate import classification_error, predict
    from aebook.experiments import m2

    changes = {**M2_TINY, "seeds": (0,)}
    jobs = m2.paper_jobs("smoke", changes)
    assert m2.paper_results("smoke", changes, root=tmp_path) == {"M2": [], "M1+M2": []}
    assert not (tmp_path / "m2").exists()  # reading trained nothing
    m1, m1m2, _ = jobs
    runner.run([m1, m1m2], root=tmp_path)  # M1+M2 finished, M2 on pixels not run
    part = m2.paper_results("smoke", changes, root=tmp_path)
    assert part["M2"] == [] and [draw["seed"] for draw in part["M1+M2"]] == [0]
    results = runner.run(jobs, root=tmp_path)
    found = m2.paper_results("smoke", changes, root=tmp_path)
    cfg = m2.released_settings("smoke", changes)
    _, _, x_test, y_test, _ = m2.m2_data(cfg)
    pixels = binarize(x_test, torch.Generator().manual_seed(1))
    for name, prefix in (("M2", "m2"), ("M1+M2", "m1m2")):
        (draw,) = found[name]
        result = results[f"m2/{prefix}-seed0"]
        assert draw["seed"] == 0 and draw["curve"] == result["curve"]
        assert draw["labelled"].tolist() == result["labelled"]
        test = pixels if draw["test"] is None else draw["test"]
        error = classification_error(predict(draw["model"], test), y_test)
        assert error.percent == pytest.approx(result["test_error"])  # the job's own model
    for kept in ("model.pt", m2.TEST_CODES):
        path = tmp_path / "m2/m1m2-seed0" / kept
        good = path.read_bytes()
        path.write_bytes(b"swapped")
        with pytest.raises(ValueError, match=f"{kept} is not the file its job kept"):
            m2.paper_results("smoke", changes, root=tmp_path)
        path.write_bytes(good)


@needs_data(MNIST)
def test_the_m2_page_in_paper_reports_a_model_without_a_finished_draw_as_not_run(
    tmp_path, monkeypatch
):
    """The page's own `paper` path, run on a finished M1+M2 draw and no draw on pixels: an
    untrained M2 of the paper's size stands in for the job's model, its classifier set to read
    the class off test codes that carry it, so that it passes the page's guard (the numbers mean
    nothing)."""
    from aebook.data import balanced_subset
    from aebook.experiments import m2

    cfg = m2.released_settings("paper")
    _, y_train, x_test, y_test, _ = m2.m2_data(cfg)
    folder, k = tmp_path / "jobs/m2/m1m2-seed0", 20
    folder.mkdir(parents=True)
    model = m2.released_m2(cfg, "codes", k, cfg.n_train)
    with torch.no_grad():  # hidden unit c and then class c follow code dimension c
        for layer in (model.classifier[0], model.classifier[-1]):
            layer.weight.zero_()
            layer.bias.zero_()
            layer.weight[:10, :10] = torch.eye(10)
    torch.save(model.state_dict(), folder / "model.pt")
    codes = torch.randn(len(x_test), k, generator=torch.Generator().manual_seed(0))
    torch.save(codes + 3 * torch.nn.functional.one_hot(y_test, k), folder / m2.TEST_CODES)
    curve = [{"passes": p, "test_error": 50.0 - p / 100} for p in (30, 3_000)]
    kept = {name: sha256_of(folder / name) for name in ("model.pt", m2.TEST_CODES)}
    (folder / "result.json").write_text(json.dumps({
        "seed": 0, "labelled": balanced_subset(y_train, cfg.n_labelled, seed=0).tolist(),
        "curve": curve, "models": kept,
    }))  # fmt: skip
    text = run_page_in_paper("03_vae/m2", tmp_path, monkeypatch)
    assert "M2 on pixels: no draw has finished" in text
    assert "seed 0: M1+M2" in text
    assert "| m1m2-seed0 | M1+M2 | not run |" in text  # the jobs' table reads the snapshots
    record = json.loads((tmp_path / "results/paper/m2.json").read_text())
    assert [c["name"] for c in record["claims"]][0].startswith("M1+M2 test error")
    assert "M1+M2 test error (%)" in record["measurements"]
    assert "M2 test error (%)" not in record["measurements"]  # the ledger: not run


def test_the_m2_jobs_table_says_how_far_each_job_got_and_what_it_still_costs(tmp_path):
    from aebook.experiments import m2

    estimate = {
        "rows": [{"job": j.key, "cpu_hours": 10.0, "gpu_minutes": 2.0} for j in m2.paper_jobs()],
        "provenance": {"hardware": "AMD EPYC, 2 logical CPU cores, GPU: none",
                       "date": "2026-12-01T04:33:48+00:00"},
    }  # fmt: skip
    session = {"provenance": {"hardware": "Intel Xeon, 2 logical CPU cores, GPU: none",
                              "date": "2026-12-01T10:20:00+00:00"}}  # fmt: skip
    target = 10_000 * 50_000
    (tmp_path / "m1.json").write_text(json.dumps({
        "status": "unfinished", "examples": target // 4, "target": target, "train_seconds": 7200,
        "curve": [{"epochs": 100, "bound": -120.5}, {"epochs": 2_500, "bound": -99.25}],
        "sessions": [session], "taken": "2026-12-01T21:05+00:00",
    }))  # fmt: skip
    (tmp_path / "m1m2-seed0.json").write_text(json.dumps({
        "status": "finished", "examples": 1, "target": 1, "train_seconds": 3600,
        "curve": [{"passes": 30, "test_error": 9.0}, {"passes": 3_000, "test_error": 3.5}],
    }))  # fmt: skip
    snapshots = m2.paper_snapshots(tmp_path)
    table = m2.snapshot_table(snapshots, estimate)
    rows = {row[0]: row for row in table.rows}
    assert list(rows) == [*(j.name for j in m2.paper_jobs()), "total"]  # every job, begun or not
    assert rows["total"][5:8] == ["3.0", f"{7.5 + 9 * 10.0:.1f}", f"{1.5 + 9 * 2.0:.1f}"]
    assert rows["m1"] == [
        "m1", "M1", "unfinished", "2,500 of 10,000 epochs", "bound -99.25", "2.0", "7.5", "1.5",
        "Intel Xeon",
    ]  # fmt: skip
    assert rows["m1m2-seed0"][2:8] == [
        "finished", "3,000 of 3,000 passes", "test error 3.50 %", "1.0", "0.0", "0.0"
    ]  # fmt: skip
    assert rows["m2-seed3"][1:8] == [
        "M2",
        "not run",
        "0 of 3,000 passes",
        "—",
        "0.0",
        "10.0",
        "2.0",
    ]
    # dated by the snapshot of the unfinished M1, not by its last logged session (10:20)
    assert "as of 2026-12-01 21:05 UTC" in table.title and "AMD EPYC, 2026-12-01" in table.note
    assert m2.m1_curve(snapshots) == ([100, 2_500], [-120.5, -99.25])
    assert m2.m1_curve({}) == ([], [])


def test_an_unfinished_draw_shows_its_curve_so_far(tmp_path):
    from aebook.experiments import m2

    points = [{"passes": 30, "examples": 1, "test_error": 41.6, "loss": 109.8},
              {"passes": 60, "examples": 2, "test_error": 50.7, "loss": 101.4}]  # fmt: skip
    (tmp_path / "m2-seed1.json").write_text(json.dumps({
        "status": "unfinished", "examples": 2, "target": 10, "curve": points,
    }))  # fmt: skip
    (tmp_path / "m2-seed2.json").write_text(json.dumps({"status": "unfinished", "curve": []}))
    snapshots = m2.paper_snapshots(tmp_path)
    assert m2.draw_curves(snapshots) == {
        1: {"passes": [30, 60], "test_error": [41.6, 50.7], "loss": [109.8, 101.4]}
    }
    assert m2.draw_curves(snapshots, "codes") == {}
    with pytest.raises(ValueError, match="on must be one of"):
        m2.draw_curves(snapshots, "labels")


@needs_data(MNIST)
def test_an_interrupted_m1_m2_job_resumes_to_the_same_curve(tmp_path, monkeypatch):
    from aebook import train
    from aebook.experiments import m2

    changes = {**M2_TINY, "m1m2_epochs": 3, "seeds": (0,)}
    m1, job, _ = m2.paper_jobs("smoke", changes)
    runner.run([m1], root=tmp_path / "whole")
    whole = runner.run([job], root=tmp_path / "whole")[job.key]
    (tmp_path / "cut/m2").mkdir(parents=True)
    (tmp_path / "whole/m2/m1").rename(tmp_path / "cut/m2/m1")

    with killed_after_first_epoch(monkeypatch, train):
        runner.run([job], root=tmp_path / "cut")
    assert not result_path(job, tmp_path / "cut").exists()
    assert job.progress(tmp_path / "cut" / job.key)["trained_examples"] == 1_000
    resumed = runner.run([job], root=tmp_path / "cut")[job.key]
    assert resumed["curve"] == whole["curve"] and resumed["test_error"] == whole["test_error"]
    # the codes were kept at the first start; a retrained M1 is refused, not silently mixed in
    folder, m1_model = tmp_path / "cut" / job.key, tmp_path / "cut/m2/m1/model.pt"
    assert (folder / "m1_codes.ckpt").exists()
    state = torch.load(m1_model, weights_only=True)
    torch.save({k: v + 0.1 for k, v in state.items()}, m1_model)
    with pytest.raises(ValueError, match="codes of another M1"):
        m2.m2_job(folder, **job.kwargs)
    (folder / "m1_codes.ckpt").unlink()  # and so is a draw whose codes it would compute again
    kept = json.loads((m1_model.parent / "result.json").read_text())
    kept["models"]["model.pt"] = sha256_of(m1_model)  # as the retrained M1's job would keep it
    (m1_model.parent / "result.json").write_text(json.dumps(kept))
    with pytest.raises(ValueError, match="belongs to another run.*transform: checkpoint"):
        m2.m2_job(folder, **job.kwargs)


@needs_data(MNIST)
def test_a_parked_m1_m2_draw_resumes_on_another_machine_with_its_curve(tmp_path, monkeypatch):
    """A parked draw carries its checkpoint and its curve, not its codes: the machine that
    resumes it computes them again from the parked M1, equal to rounding. Its checkpoint names
    the codes by M1, so it resumes there, finishes the passes it had left and keeps the points
    it measured before (they were lost once, and two M1+M2 curves began at pass 840)."""
    from aebook import train
    from aebook.experiments import m2

    m1, job, _ = m2.paper_jobs("smoke", {**M2_TINY, "m1m2_epochs": 3, "seeds": (0,)})
    here, there, parked = tmp_path / "here", tmp_path / "there", tmp_path / "parked"
    runner.run([m1], root=here)
    with killed_after_first_epoch(monkeypatch, train):
        runner.run([job], root=here)
    before = json.loads((here / job.key / "curve.json").read_text())
    assert [p["passes"] for p in before] == [1]
    runner.park([m1, job], parked, root=here)
    assert not (parked / job.key / "m1_codes.ckpt").exists()
    runner.unpark([m1, job], parked, root=there)
    computed = m2.m1_codes

    def on_another_machine(*args, **kwargs):
        mean, log_var, test, kept = computed(*args, **kwargs)
        ulp = (torch.nextafter(t, t + 1) for t in (mean, log_var, test))
        return (*ulp, kept)

    monkeypatch.setattr(m2, "m1_codes", on_another_machine)
    resumed = runner.run([job], root=there)[job.key]
    assert [p["passes"] for p in resumed["curve"]] == [1, 2, 3]
    assert resumed["curve"][0] == before[0]
    state = torch.load(there / job.key / "train.ckpt", weights_only=True)
    assert state["history"]["samples_seen"] == [10, 20, 30]  # resumed, not begun again


@needs_data(MNIST)
def test_a_deadline_stops_m1_resumably(tmp_path):
    from aebook.experiments import m2

    m1 = m2.paper_jobs("smoke", {**M2_TINY, "m1_epochs": 3})[0]
    part = runner.run([m1], root=tmp_path, max_minutes=1e-9)[m1.key]
    assert part == {"finished": False, "examples": 1_000}
    assert m1.progress(tmp_path / m1.key)["curve"][-1]["epochs"] == 1
    done = runner.run([m1], root=tmp_path)[m1.key]
    assert done["epochs"] == 3 and [p["epochs"] for p in done["curve"]] == [1, 2, 3]
    stretches = [(s["examples_from"], s["examples_to"]) for s in sessions(tmp_path / m1.key)]
    assert stretches == [(0, 1_000), (1_000, 3_000)]


def test_pages_read_jobs_without_importing_the_runner():
    """A change to how jobs are run must not make the records of the pages that read them stale
    (a record notes every package file its page imported): pages and experiments read jobs
    through :mod:`aebook.jobs`."""
    import re

    src = Path(runner.__file__).parent
    readers = [*(src / "experiments").rglob("*.py"), *(src / "results").rglob("*.py")]
    importing = [
        str(p.relative_to(src))
        for p in readers
        if re.search(
            r"^\s*(from aebook\.runner |import aebook\.runner|from aebook import .*runner)",
            p.read_text(),
            re.M,
        )
    ]
    assert importing == []
    notebooks = (src.parents[1] / "book").rglob("*.ipynb")
    assert not [p.name for p in notebooks if "from aebook.runner" in p.read_text()]


def test_table1_candidates_travel_with_their_parked_jobs(tmp_path):
    from aebook.experiments import stacked_denoising_autoencoders as sda
    from aebook.experiments.stacked_denoising_autoencoders.jobs import paper_results

    rect = [job for job in sda.paper_jobs("smoke") if job.kwargs["task"] == "rect"]
    here, there, parked = tmp_path / "here", tmp_path / "there", tmp_path / "parked"
    runner.run(rect, root=here)
    runner.park(rect, parked, root=here)
    runner.unpark(rect, parked, root=there)  # a new machine: the parked jobs, no cache
    assert not (there / "stacked_denoising_autoencoders/runs").exists()
    results, _ = paper_results("smoke", root=there)
    ran, _ = paper_results("smoke", root=here)
    assert list(results) == ["rect"]
    assert results["rect"].sda.test == ran["rect"].sda.test
