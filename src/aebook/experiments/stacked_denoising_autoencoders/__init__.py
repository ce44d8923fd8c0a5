"""Chapter 1, second page (Vincent et al. 2008): Table 1, stacked autoencoders against stacked
denoising autoencoders on the benchmark tasks of Larochelle et al. (2007).

Table 1 of the paper compares a stack of three ordinary autoencoders (SAA-3) with a stack of
three denoising autoencoders (SdA-3). Both are the same code,
:class:`~aebook.models.dae.StackedDenoisingAutoencoder`: SAA-3 is masking level 0.
:func:`~aebook.experiments.stacked_denoising_autoencoders.runs.run_task` trains both with the same
architecture, budget and grid of hyperparameters and chooses each model's on the validation set;
in the ``paper`` profile every pretraining of the grid is a job of :mod:`aebook.runner`
(:mod:`~aebook.experiments.stacked_denoising_autoencoders.jobs`).

What each profile runs (CPU user time measured on a 2-core machine shared with other jobs):

- ``smoke``: Table 1 on tiny versions of basic and rect.
- ``standard``: Table 1 on basic, rot and bg-rand with the paper's training and validation sizes,
  3 layers of 500 units, one fixed budget and one candidate per model (pretraining learning rate
  0.05), ν from the paper's table.
- ``paper``: all eight tasks at the paper's sizes, 3 layers of 1000 or 2000 units, with layer
  size, ν ∈ {10, 25, 40} %, learning rates and pretraining epochs chosen on the validation set,
  fine-tuning epochs by early stopping.

The claims: where the paper's intervals put SdA-3 ahead, ours must be ahead by a one-sided McNemar
test at the conventional 5 % level, and where they tie, SdA-3 must not be worse at that level
(findings); each model's test error must be below what a classifier that ignores its input
reaches (:func:`aebook.evaluate.statistics.guessing_bound`, a guard). The paper's test errors
themselves are judged by the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aebook.data.larochelle import GENERATED_DIFFERENCES, PAPER_SIZES, TASKS, is_official
from aebook.experiments.stacked_denoising_autoencoders.jobs import paper_jobs
from aebook.experiments.stacked_denoising_autoencoders.runs import PAPER_TABLE1, TaskResult
from aebook.profiles import ChapterSettings
from aebook.results.table import Table
from aebook.train import TrainConfig

__all__ = [
    "PAPER_TABLE1",
    "SETTINGS",
    "StackedDenoisingAutoencodersSettings",
    "candidates_table",
    "differences_table",
    "grid_budgets",
    "orderings",
    "orderings_table",
    "paper_jobs",
    "paper_verdict",
    "table1",
]


@dataclass(frozen=True, kw_only=True)
class StackedDenoisingAutoencodersSettings(ChapterSettings):
    seed: int = 0  #: seed of every initialisation, corruption and data generation
    tasks: tuple[str, ...]  #: tasks run in this profile
    train_fraction: float  #: share of the paper's training and validation sizes used
    n_test: int  #: test examples per task (the paper: 50,000)
    hidden_sizes: tuple[tuple[int, ...], ...]  #: candidate layer sizes (3 layers)
    pretrain: TrainConfig  #: unsupervised training of each layer (epochs, lr from the grids)
    pretrain_epochs: tuple[int, ...]  #: candidate pretraining epochs per layer
    pretrain_lrs: tuple[float, ...]  #: candidate pretraining learning rates
    finetune: TrainConfig  #: supervised training: max epochs, early-stopping patience
    finetune_lrs: tuple[float, ...]  #: candidate fine-tuning learning rates
    noise_levels: tuple[float, ...] | None  #: SdA-3 masking levels to select from; None: paper's ν
    compare_models: bool  #: whether the claims test the ordering of SAA-3 and SdA-3
    significance: float  #: level of the paired (McNemar) tests in the claims: the conventional 5 %
    #: tasks this profile trains too briefly to leave chance level: no guard on their errors
    no_guard: tuple[str, ...] = ()

    def sizes(self, task: str):
        """The split sizes used for ``task`` in this profile."""
        full = PAPER_SIZES[task]
        scaled = full.scaled(self.train_fraction)
        return replace(scaled, n_test=min(self.n_test, full.n_test))


_STANDARD = StackedDenoisingAutoencodersSettings(
    tasks=("basic", "rot", "bg-rand"),
    train_fraction=1.0,
    n_test=50_000,
    hidden_sizes=((500, 500, 500),),
    pretrain=TrainConfig(epochs=10, batch_size=50, optimizer="sgd"),
    pretrain_epochs=(10,),
    # One learning rate, to keep the chapter within its CPU budget: a run with the grid
    # (0.05, 0.2) chose 0.05 on validation for five of the six models (see the closing note).
    pretrain_lrs=(0.05,),
    finetune=TrainConfig(
        epochs=40, batch_size=50, momentum=0.9, early_stopping=10, monitor="error", optimizer="sgd"
    ),
    finetune_lrs=(0.1,),
    noise_levels=None,
    compare_models=True,
    significance=0.05,
)

SETTINGS = {
    "smoke": replace(
        _STANDARD,
        tasks=("basic", "rect"),
        train_fraction=0.1,
        n_test=1_000,
        hidden_sizes=((64, 64, 64),),
        pretrain=replace(_STANDARD.pretrain, epochs=2, batch_size=20),
        pretrain_epochs=(2,),
        finetune=replace(_STANDARD.finetune, epochs=10, batch_size=20, early_stopping=5),
        compare_models=False,
        no_guard=("rect",),  # 100 training images, 10 SGD steps a layer: at chance (50 %)
    ),
    "standard": _STANDARD,
    "paper": replace(
        _STANDARD,
        tasks=TASKS,
        hidden_sizes=((1000, 1000, 1000), (2000, 2000, 2000)),
        pretrain=replace(_STANDARD.pretrain, epochs=30, batch_size=20),
        pretrain_epochs=(10, 30),
        pretrain_lrs=(0.05, 0.2),
        finetune=replace(_STANDARD.finetune, epochs=200, batch_size=20, early_stopping=20),
        finetune_lrs=(0.02, 0.1),
        noise_levels=(0.10, 0.25, 0.40),
    ),
}


def paper_verdict(task: str) -> str:
    """What the paper's table says of SdA-3 against SAA-3: ``"ahead"`` when the 95 % intervals
    are apart in SdA-3's favour, ``"behind"`` when apart the other way, else ``"tie"``."""
    (saa, a), (sda, b) = PAPER_TABLE1[task]["saa"], PAPER_TABLE1[task]["sda"]
    if sda + b < saa - a:
        return "ahead"
    if sda - b > saa + a:
        return "behind"
    return "tie"


def orderings(results: dict[str, TaskResult], labels: dict) -> dict[str, dict]:
    """The paper's finding on each task against ours: the paper's verdict on SdA-3
    (:func:`paper_verdict`), our SAA-3 minus SdA-3 test error in points, and McNemar's one-sided
    p-values that SdA-3 errs less and that it errs more, on the same test examples (``labels``:
    each task's test labels)."""
    return {
        task: {
            "paper": paper_verdict(task),
            "gap": r.saa.test.percent - r.sda.test.percent,
            "p_better": r.p_sda_better(labels[task]),
            "p_worse": r.p_sda_worse(labels[task]),
        }
        for task, r in results.items()
    }


def orderings_table(verdicts: dict[str, dict]) -> Table:
    """:func:`orderings` as a table, one row per task."""
    return Table(
        ["task", "paper: SdA-3", "ours: SAA-3 − SdA-3 (points)", "p (SdA-3 better)",
         "p (SdA-3 worse)"],
        [[t, v["paper"], f"{v['gap']:+.2f}", f"{v['p_better']:.2g}", f"{v['p_worse']:.2g}"]
         for t, v in verdicts.items()],
        title="Is SdA-3 ahead? McNemar's one-sided p-values on the test set",
    )  # fmt: skip


def table1(results: dict[str, TaskResult], cfg: StackedDenoisingAutoencodersSettings) -> Table:
    """Table 1 of the paper next to ours; rows of tasks not run in this profile say so (in
    ``paper``: not yet, while a model of the task has no finished candidate), and the last column
    how much of each model's selection grid was trained (all of it, except while the ``paper``
    profile's jobs are still running)."""

    def cell(error):
        return f"{error[0]:.2f} ± {error[1]:.2f}"

    rows = []
    for task in TASKS:
        paper, r = PAPER_TABLE1[task], results.get(task)
        row = [task, cell(paper["saa"]), cell(paper["sda"]), f"{100 * paper['nu']:.0f} %"]
        if r is None:
            rows.append(
                [*row, "—", "—", "—", "—", "not yet" if cfg.profile == "paper" else "paper only"]
            )
            continue
        saa, sda = r.saa.test, r.sda.test
        ours = [cell((saa.percent, saa.ci95)), cell((sda.percent, sda.ci95))]
        grid = "; ".join(f"{len(r.runs[m])} of {r.n_candidates[m]}" for m in ("saa", "sda"))
        rows.append([*row, *ours, f"{100 * r.sda.candidate.nu:.0f} %", sda.n, grid])
    header = ["task", "SAA-3 (paper)", "SdA-3 (paper)", "ν (paper)", "SAA-3 (ours)", "SdA-3 (ours)"]
    return Table(
        [*header, "ν (ours)", "test examples", f"candidates trained in `{cfg.profile}`"],
        rows,
        note="The last column: candidates of the selection grid trained, SAA-3; SdA-3 (each "
        "model's test error is that of its candidate with the lowest validation error among them).",
    )


def grid_budgets(results: dict[str, TaskResult]) -> dict[str, int]:
    """The measurements that tell the ledger how many candidates of each model's grid were
    trained, so that Table 1's numbers of a grid trained in part are judged as a shortened run."""
    from aebook.results.papers import budget_key, table1_key

    return {
        budget_key(table1_key(task, label)): len(r.runs[model])
        for task, r in results.items()
        for model, label in (("saa", "SAA-3"), ("sda", "SdA-3"))
    }


def candidates_table(results: dict[str, TaskResult]) -> Table:
    """Every candidate trained for each task: validation and test error, the chosen ones marked."""
    rows = []
    for task, r in results.items():
        for name, label in (("saa", "SAA-3"), ("sda", "SdA-3")):
            chosen = r.saa if name == "saa" else r.sda
            for run in r.runs.get(name, []):
                c = run.candidate
                rows.append(
                    [task, label, f"{100 * c.nu:.0f} %", "-".join(map(str, c.hidden)),
                     f"{c.pretrain_epochs}, {c.pretrain_lr:g}", f"{c.finetune_lr:g}",
                     "—" if run.best_epoch is None else run.best_epoch + 1,
                     f"{run.valid_error:.2f} %", run.test, "✓" if run is chosen else ""]
                )  # fmt: skip
    header = ["task", "model", "ν", "layers", "pretraining (epochs, lr)", "fine-tuning lr"]
    return Table([*header, "best epoch", "validation error", "test error", "chosen"], rows)


def differences_table(tasks=TASKS) -> Table:
    """How each generated task differs from the published one."""
    rows = [
        [t, "official files", "—"] if is_official(t) else [t, "generated", GENERATED_DIFFERENCES[t]]
        for t in tasks
    ]
    return Table(["task", "data used here", "how it differs from the published task"], rows)
