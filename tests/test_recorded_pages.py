"""The website is built from recorded runs: which record a page uses, and when it must not.

The rules are in ``book/_ext/recorded_pages.py``; ``scripts/reproduce.py`` writes the records. The
last test records two small notebooks with that script and builds a small book from them with
Jupyter Book, as ``scripts/build`` builds the real one.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from aebook.results.freshness import stamp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
from recorded_pages import (  # noqa: E402
    Choice,
    Stale,
    banner,
    choose,
    compact_pngs,
    fill,
    pages_with_jobs,
    record_path,
)

BUDGET = 25 * 2**20  # bytes: all recorded notebooks of one profile


def page(path: Path, code: str, title: str = "# A page", force: bool = False) -> Path:
    nb = new_notebook(cells=[new_markdown_cell(title), new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    if force:
        nb.metadata["mystnb"] = {"execution_mode": "force"}
    nbformat.write(nb, path)
    return path


def record(root: Path, profile: str, source: Path, output: str) -> Path:
    """A record of ``source`` in ``profile`` whose code cell printed ``output``."""
    nb = nbformat.read(source, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    stamp(nb, notebook=str(source), profile=profile, commit="0" * 40, date="2026-01-02T03:04:05")
    path = record_path(root, profile, source.stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_a_valid_record_is_used_paper_over_standard(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    record(tmp_path, "standard", nb, "1")
    assert choose(nb, tmp_path, "standard").profile == "standard"
    record(tmp_path, "paper", nb, "1")
    choice = choose(nb, tmp_path, "standard")
    assert (choice.kind, choice.profile, choice.changed) == ("record", "paper", [])
    assert choice.provenance["date"] == "2026-01-02T03:04:05"


def test_a_changed_code_cell_invalidates_the_record(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    record(tmp_path, "standard", nb, "1")
    page(nb, "print(2)")
    assert choose(nb, tmp_path, "standard") == Choice(
        "build", "standard", stale=[Stale("standard", "2026-01-02T03:04:05")]
    )


def test_a_shorter_record_shown_instead_of_a_stale_longer_one_says_so(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    record(tmp_path, "paper", nb, "1")
    page(nb, "print(2)")
    record(tmp_path, "standard", nb, "2")
    choice = choose(nb, tmp_path, "standard")
    assert (choice.kind, choice.profile) == ("record", "standard")
    assert choice.stale == [Stale("paper", "2026-01-02T03:04:05")]
    text = banner(choice, "x.ipynb", "")
    assert "The recorded `paper` run of 2 January 2026 is not shown" in text


def test_changed_prose_keeps_the_record_and_is_shown_with_its_outputs(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    path = record(tmp_path, "standard", nb, "1")
    page(nb, "print(1)", title="# A page, rewritten")
    assert choose(nb, tmp_path, "standard").kind == "record"
    current = nbformat.read(nb, as_version=4)
    fill(current, nbformat.read(path, as_version=4))
    assert current.cells[0].source == "# A page, rewritten"
    assert current.cells[1].outputs[0]["text"] == "1"
    assert current.metadata["mystnb"]["execution_mode"] == "off"


def test_a_shorter_profile_is_never_used_for_a_longer_build(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    record(tmp_path, "smoke", nb, "1")
    assert choose(nb, tmp_path, "standard").kind == "build"
    assert choose(nb, tmp_path, "smoke").profile == "smoke"


def test_execute_ignores_records_and_summaries_are_always_executed(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    record(tmp_path, "standard", nb, "1")
    assert choose(nb, tmp_path, "standard", execute=True).kind == "build"
    summary = page(tmp_path / "scoreboard.ipynb", "print(1)", force=True)
    record(tmp_path, "standard", summary, "1")
    assert choose(summary, tmp_path, "standard") == Choice("summary")


def test_a_record_names_the_package_files_changed_since_it_was_made(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    path = record(tmp_path, "standard", nb, "1")
    recorded = nbformat.read(path, as_version=4)
    recorded.metadata["aebook_record"]["package"]["aebook/train.py"] = "0" * 16
    nbformat.write(recorded, path)
    assert choose(nb, tmp_path, "standard").changed == ["aebook/train.py"]


def test_only_the_package_files_a_record_imported_count_as_changes(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    path = record(tmp_path, "standard", nb, "1")
    recorded = nbformat.read(path, as_version=4)
    package = recorded.metadata["aebook_record"]["package"]
    package["aebook/train.py"] = package["aebook/plot/__init__.py"] = "0" * 16
    recorded.metadata["aebook_record"]["imports"] = ["aebook/__init__.py", "aebook/train.py"]
    nbformat.write(recorded, path)
    choice = choose(nb, tmp_path, "standard")
    assert choice.changed == ["aebook/train.py"]
    assert "Package files this page imports have changed" in banner(choice, "x.ipynb", "")


def test_the_scoreboard_and_the_banner_judge_a_record_by_the_same_rule(tmp_path):
    from aebook.results.freshness import freshness
    from aebook.results.records import Record

    (tmp_path / "book" / "ch").mkdir(parents=True)
    nb = page(tmp_path / "book" / "ch" / "toy.ipynb", "print(1)")
    path = record(tmp_path / "results", "standard", nb, "1")
    run = Record("toy", "standard", commit="abcdef0" + "0" * 33).write(tmp_path / "results")

    def both():
        choice = choose(nb, tmp_path / "results", "standard")
        return (choice.changed if choice.kind == "record" else None), freshness(run)

    assert both() == ([], "recorded at `abcdef0`")
    recorded = nbformat.read(path, as_version=4)
    recorded.metadata["aebook_record"]["package"]["aebook/train.py"] = "0" * 16
    recorded.metadata["aebook_record"]["imports"] = ["aebook/train.py"]
    nbformat.write(recorded, path)
    assert both() == (
        ["aebook/train.py"],
        "recorded at `abcdef0`, 1 package file(s) it imports changed since",
    )
    recorded.metadata["aebook_record"]["imports"] = ["aebook/__init__.py"]  # not the edited one
    nbformat.write(recorded, path)
    assert both() == ([], "recorded at `abcdef0`")
    page(nb, "print(2)")
    assert both() == (None, "recorded at `abcdef0`, the page's code changed since")
    path.unlink()
    assert "cannot tell" in freshness(run)


def test_a_page_being_recorded_does_not_judge_its_new_record_by_the_previous_notebook(
    tmp_path, monkeypatch
):
    """While ``scripts/reproduce.py`` runs a page, the page's own new record lies beside the
    notebook of the run before, which once made every recorded page say that package files had
    changed since a record that today's code had just made."""
    from aebook.results.freshness import freshness
    from aebook.results.records import Record

    (tmp_path / "book" / "ch").mkdir(parents=True)
    nb = page(tmp_path / "book" / "ch" / "toy.ipynb", "print(1)")
    path = record(tmp_path / "results", "standard", nb, "1")  # stamped 2026-01-02T03:04:05
    before = nbformat.read(path, as_version=4)
    before.metadata["aebook_record"]["package"]["aebook/train.py"] = "0" * 16
    before.metadata["aebook_record"]["imports"] = ["aebook/train.py"]
    nbformat.write(before, path)
    command = "python scripts/reproduce.py book/ch/toy.ipynb"

    def made(date):
        return Record(
            "toy", "standard", commit="abcdef0" + "0" * 33, date=date, command=command
        ).write(tmp_path / "results")

    monkeypatch.setenv("AEBOOK_COMMAND", command)
    assert freshness(made("2026-01-02T03:00:00")) == (
        "recorded at `abcdef0`, 1 package file(s) it imports changed since"
    )  # the notebook is this record's: it ended after the record was written
    assert freshness(made("2026-01-03T00:00:00")) == "recorded at `abcdef0` (this run)"
    monkeypatch.setenv("AEBOOK_COMMAND", "python scripts/reproduce.py book/ch/other.ipynb")
    assert "its notebook was not kept" in freshness(made("2026-01-03T00:00:00"))


def test_a_paper_banner_says_when_the_hours_were_spent_in_jobs(tmp_path):
    nb = page(tmp_path / "ch.ipynb", "print(1)")
    record(tmp_path, "paper", nb, "1")
    choice = choose(nb, tmp_path, "standard")
    choice.provenance["wall_s"] = 28.0
    assert "jobs of `aebook.runner`" in banner(choice, "x.ipynb", "", jobs=True)
    assert "jobs of" not in banner(choice, "x.ipynb", "", jobs=False)
    assert {"vae", "vae_likelihood", "stacked_denoising_autoencoders", "vae_manifolds"} <= (
        pages_with_jobs()
    )


def test_figures_are_recompressed_without_changing_a_pixel():
    import base64
    import io

    import matplotlib
    from PIL import Image, ImageChops

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow([[0, 1], [1, 0]], cmap="gray")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    raw = buffer.getvalue()
    nb = new_notebook(cells=[new_code_cell("fig")])
    data = {"image/png": base64.b64encode(raw).decode()}
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data=data)]
    compact_pngs(nb)
    small = base64.b64decode(nb.cells[0].outputs[0]["data"]["image/png"])
    assert len(small) < len(raw)
    before, after = (Image.open(io.BytesIO(b)).convert("RGBA") for b in (raw, small))
    assert ImageChops.difference(before, after).getbbox() is None


@pytest.mark.parametrize("profile", ["paper", "standard", "smoke"])
def test_the_recorded_pages_of_a_profile_fit_the_size_budget(profile):
    total = sum(p.stat().st_size for p in (REPO / "results" / profile).glob("*.ipynb"))
    assert total <= BUDGET, f"results/{profile}: {total / 2**20:.1f} MB of notebooks, over 25 MB"


def test_every_record_is_keyed_by_the_stem_of_a_page_in_the_book():
    pages = [p for p in (REPO / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    stems = {p.stem for p in pages}
    assert len(stems) == len(pages), "two pages share a notebook stem"
    for path in (REPO / "results").glob("*/*.ipynb"):
        assert path.stem in stems, f"{path}: no page book/**/{path.stem}.ipynb"
        meta = nbformat.read(path, as_version=4).metadata["aebook_record"]
        assert meta["profile"] == path.parent.name and Path(meta["notebook"]).stem == path.stem


def test_a_current_shown_record_lists_each_profiles_record_as_committed():
    # A recorded notebook shows the page's records of every profile as they were when it ran: a
    # profile re-recorded after it would leave the site showing the old record of that profile.
    # So record a page's shorter profile first (e.g. standard, then paper).
    listed = re.compile(r"Recorded run: profile `(\w+)`, [^,]+, recorded at `([0-9a-f]{7})`")
    pages = [p for p in (REPO / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    checked = 0
    for page in pages:
        choice = choose(page, REPO / "results", "standard")
        if choice.kind != "record":
            continue
        shown = Path(choice.record).read_text()
        found = listed.findall(shown)
        assert len(found) == shown.count("Recorded run"), f"{choice.record}: a listing unread"
        checked += len(found)
        if choice.changed:  # stale records carry their own banner
            continue
        for profile, sha in set(found):
            committed = json.loads((REPO / "results" / profile / f"{page.stem}.json").read_text())
            assert committed["commit"].startswith(sha), (
                f"{choice.record} lists the {profile} record of {sha}; results/{profile}/"
                f"{page.stem}.json is {committed['commit'][:7]}: record the page again"
            )
    assert checked, "no recorded page lists its records in the form this test reads"


BOOK_CONFIG = """\
title: Recorded pages
only_build_toc_files: true
exclude_patterns: ["results/*"]
execute: {{execute_notebooks: cache, timeout: 120}}
repository: {{url: "https://github.com/example/book", branch: main}}
launch_buttons: {{colab_url: "https://colab.research.google.com"}}
html: {{use_download_button: true, use_repository_button: true}}
sphinx:
  local_extensions: {{recorded_pages: "{ext}"}}
  config: {{aebook_records: results}}
"""


def test_the_book_is_built_from_its_records_and_an_edited_page_is_executed(tmp_path):
    """``reproduce.py`` records two pages; then ``b``'s code changes, ``a``'s prose and package."""
    draw = "import random\nimport aebook.train\nprint('drawn', random.random())"
    a = page(tmp_path / "a.ipynb", draw, "# Page A")
    b = page(tmp_path / "b.ipynb", draw, "# Page B")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: a\nchapters:\n  - file: b\n")
    (tmp_path / "_config.yml").write_text(BOOK_CONFIG.format(ext=REPO / "book" / "_ext"))
    env = {**os.environ, "AEBOOK_PROFILE": "smoke", "AEBOOK_RESULTS": str(tmp_path / "results")}
    reproduce = [sys.executable, str(REPO / "scripts" / "reproduce.py"), str(a), str(b)]
    subprocess.run(reproduce, env=env, check=True, capture_output=True)
    drawn = {
        name: re.search(r"drawn [0-9.]+", (tmp_path / f"results/smoke/{name}.ipynb").read_text())[0]
        for name in "ab"
    }
    recorded_a = nbformat.read(tmp_path / "results/smoke/a.ipynb", as_version=4)
    recorded_a.metadata["aebook_record"]["package"]["aebook/train.py"] = "0" * 16
    nbformat.write(recorded_a, tmp_path / "results/smoke/a.ipynb")
    page(a, draw, "# Page A\n\nNew prose.")
    page(b, draw + "\nprint('edited')", "# Page B")

    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    build = [str(jupyter_book), "build", str(tmp_path), "-W", "-n", "--keep-going"]
    subprocess.run(build, env=env, check=True, capture_output=True, cwd=tmp_path)
    site = tmp_path / "_build" / "html"
    html_a, html_b = ((site / f"{name}.html").read_text() for name in "ab")

    assert drawn["a"] in html_a and "New prose." in html_a
    assert "Outputs of the recorded <code" in html_a and "recorded_pages.css" in html_a
    assert "Package files this page imports have changed since this run (<code" in html_a
    assert "train.py" in html_a
    assert "aebook/train.py" in recorded_a.metadata["aebook_record"]["imports"]
    threads = recorded_a.metadata["aebook_record"]["threads"]  # the page imported torch
    assert threads >= 1 and f"(torch on {threads} thread" in html_a
    assert "torch threads:" not in (tmp_path / "results/smoke/a.ipynb").read_text()
    assert "import json as _json" not in (tmp_path / "results/smoke/a.ipynb").read_text()
    assert "colab.research.google.com/github/example/book/blob/main/results/smoke/a.ipynb" in html_a
    download = re.search(r'href="(_downloads/[^"]+/a\.ipynb)"', html_a)[1]
    assert (site / download).read_bytes() == (tmp_path / "results/smoke/a.ipynb").read_bytes()

    assert drawn["b"] not in html_b and "edited" in html_b
    assert "Executed in <code" in html_b and "not results" in html_b
    assert "this page’s code changed after it" in html_b or "this page's code" in html_b
    assert "blob/main/b.ipynb" in html_b


def test_a_commit_made_while_a_page_runs_does_not_split_its_record_from_its_notebook(tmp_path):
    """``reproduce.py`` reads the commit once, before the page runs: the page here records its
    claims, then a commit lands before its notebook is kept."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "a"], cwd=tmp_path, check=True)
    code = (
        "import subprocess\nfrom aebook.profiles import ChapterSettings\n"
        "from aebook.results import record\nrecord('toy', [], ChapterSettings(profile='smoke'))\n"
        f"subprocess.run({[*git, 'commit', '-q', '--allow-empty', '-m', 'b']!r}, check=True)"
    )
    nb = page(tmp_path / "toy.ipynb", code)
    env = {**os.environ, "AEBOOK_PROFILE": "smoke", "AEBOOK_RESULTS": str(tmp_path / "results")}
    env.pop("AEBOOK_COMMIT", None)
    reproduce = [sys.executable, str(REPO / "scripts" / "reproduce.py"), str(nb)]
    subprocess.run(reproduce, env=env, check=True, capture_output=True, cwd=tmp_path)
    first = subprocess.run(
        ["git", "rev-parse", "HEAD~1"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout.strip()
    claims = json.loads((tmp_path / "results/smoke/toy.json").read_text())
    kept = nbformat.read(tmp_path / "results/smoke/toy.ipynb", as_version=4)
    assert claims["commit"] == kept.metadata["aebook_record"]["commit"] == first
    # The record names the command that recorded the page, not the kernel's command line.
    assert claims["command"] == shlex.join(["python", *reproduce[1:]])


def test_a_paper_record_reads_the_jobs_parked_in_the_repository_on_a_machine_without_them(
    tmp_path,
):
    """The jobs' finished states are parked in the repository, not in this machine's cache: a
    page recorded in ``paper`` without them would record its claims as not run."""
    from aebook import runner

    job = next(j for j in runner.paper_jobs() if j.key == "vae_likelihood/static")
    trained = tmp_path / "trained" / job.key  # the machine that ran it
    trained.mkdir(parents=True)
    (trained / "result.json").write_text(json.dumps({"summary": "finished there", "models": {}}))
    runner.park([job], tmp_path / "results" / runner.PARKED, root=tmp_path / "trained")
    reads = (
        "from aebook.jobs import load_result\nfrom aebook.runner import paper_jobs\n"
        f"print(load_result(next(j for j in paper_jobs() if j.key == {job.key!r})))"
    )
    nb = page(tmp_path / "reads.ipynb", reads, "# Reads a job")
    env = {**os.environ, "AEBOOK_PROFILE": "paper", "AEBOOK_RESULTS": str(tmp_path / "results"),
           "AEBOOK_JOBS": str(tmp_path / "here")}  # fmt: skip
    reproduce = [sys.executable, str(REPO / "scripts" / "reproduce.py"), str(nb)]
    done = subprocess.run(reproduce, env=env, check=True, capture_output=True, text=True)
    assert f"{job.key}: resumed from" in done.stdout
    assert "finished there" in (tmp_path / "results/paper/reads.ipynb").read_text()


def test_cpu_ci_publishes_the_website_and_the_gpu_workflow_proposes_records():
    """Publishing needs no GPU: CI builds from the records; GPU runs only open pull requests."""
    import yaml

    def uses(workflow: str) -> list[str]:
        jobs = yaml.safe_load((REPO / ".github/workflows" / workflow).read_text())["jobs"]
        return [
            s.get("uses", s.get("run", "")) for job in jobs.values() for s in job.get("steps", [])
        ]

    ci, gpu = uses("ci.yml"), uses("book.yml")
    assert "bash scripts/test" in ci and any(u.startswith("actions/deploy-pages") for u in ci)
    assert not any("pages" in u for u in gpu), gpu
    assert any(u.startswith("peter-evans/create-pull-request") for u in gpu)


def test_every_build_reads_the_summary_pages_again(monkeypatch):
    import types

    import recorded_pages

    choices = {"board": Choice("summary"), "ch": Choice("record", "standard")}
    monkeypatch.setattr(recorded_pages, "_choices", lambda app, env: choices)
    env = types.SimpleNamespace(aebook_choices=dict(choices))  # the previous build's, unchanged
    assert recorded_pages.note_choices(None, env, set(), set(), set()) == ["board"]


def test_the_probes_are_read_from_their_last_line_of_standard_output():
    """A page's thread may still print into the probe's cell; only the probe's line is read."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("reproduce", REPO / "scripts" / "reproduce.py")
    reproduce = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reproduce)
    probe = new_code_cell("")
    probe.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="\nepoch 3 of 3\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text='["aebook/__init__.py"]\n'),
    ]
    assert reproduce._probed_imports(probe) == ["aebook/__init__.py"]
    probe.outputs = probe.outputs[1:2]
    with pytest.raises(RuntimeError, match="printed nothing"):
        reproduce._probed_imports(probe)
    probe.outputs[1:] = [nbformat.v4.new_output("stream", name="stdout", text="torch threads: 2\n")]
    assert reproduce._probed_threads(probe) == 2
    probe.outputs[1:] = [nbformat.v4.new_output("stream", name="stdout", text="torch threads: \n")]
    assert reproduce._probed_threads(probe) is None  # the page never imported torch
