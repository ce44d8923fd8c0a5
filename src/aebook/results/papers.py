"""Every number the four papers report that the book reproduces, and the references it quotes.

One :class:`PaperNumber` per number: where the paper gives it, its value and uncertainty *as the
paper gives them*, the paper's setting, how we checked the value (``source``), and how a record
of ours measures it: the page, the measurement's key, where our uncertainty comes from, the
settings that must equal the ``paper`` profile's, the training budget, and the datasets that must
be the official files. A number no page measures has ``page=""`` (never attempted).

``source`` is one of ``SOURCES``: ``paper`` (read in the paper), ``released code`` (in the
authors' code), ``secondary`` (another party's published table), ``unverified`` (quoted by the
book, not yet checked against its source; ``checked`` says what is known).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aebook.results.rule import Ours, Uncertainty

SOURCES = ("paper", "released code", "secondary", "unverified")


@dataclass(frozen=True)
class Binomial:
    """Our value is an error rate in percent on ``settings[n]`` test examples."""

    n: str

    def ours(self, value: float, settings: Mapping, measurements: Mapping) -> Ours:
        return Ours.binomial(value, int(settings[self.n]))


@dataclass(frozen=True)
class StandardError:
    """Our value is an estimate whose standard error is the measurement ``key`` (a record made
    before the page measured it has none: the rule then uses the paper's uncertainty alone)."""

    key: str
    how: str

    def ours(self, value: float, settings: Mapping, measurements: Mapping) -> Ours:
        if self.key not in measurements:
            return Ours(float(value), None, f"this record has no {self.key!r}")
        return Ours.estimate(value, measurements[self.key], self.how)


@dataclass(frozen=True)
class NotRecorded:
    """Our run did not record an uncertainty for this value (the rule uses the paper's)."""

    why: str

    def ours(self, value: float, settings: Mapping, measurements: Mapping) -> Ours:
        return Ours(float(value), None, self.why)


def budget_key(key: str) -> str:
    """The measurement in which a record states the budget it reached for the number ``key``."""
    return f"budget: {key}"


@dataclass(frozen=True)
class Budget:
    """The training the paper gave: ``amount`` of ``what``; ``reached`` reads ours from a record's
    settings. A record may instead state what it reached as the measurement
    ``budget_key(<number key>)`` (a run stopped early or resumed, a grid trained in part)."""

    what: str
    amount: float
    reached: Callable[[Mapping], float]


@dataclass(frozen=True)
class PaperNumber:
    key: str  #: unique and stable, e.g. ``vincent2008/table1/basic/SdA-3``
    cite: str  #: BibTeX key in book/references.bib
    where: str  #: table, figure or section of the paper
    quantity: str
    value: float | None  #: None: not yet read off the paper's figure
    uncertainty: Uncertainty | None
    unit: str
    setting: str  #: the paper's setting, in words
    source: str
    checked: str  #: how the value was checked, in words
    page: str = ""  #: the page that measures it (notebook, settings, record); "" when none does
    measurement: str = ""  #: key of our value in the record's measurements
    error: Binomial | StandardError | NotRecorded = NotRecorded("not recorded")
    depends_on: tuple[str, ...] = ()  #: settings that must equal the ``paper`` profile's
    budget: Budget | None = None
    data: tuple[str, ...] = ()  #: datasets that must be the official files
    incomparable: str = ""  #: a standing reason no run of ours compares (other method, data)
    reference: bool = False  #: quoted from outside the four papers

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"{self.key}: source must be one of {SOURCES}; got {self.source!r}")
        if (self.value is None) != (self.uncertainty is None):
            raise ValueError(f"{self.key}: a value comes with its uncertainty")


# ------------------------------------------------------------------ Vincent et al. 2008, Table 1

#: Table 1 of Vincent et al. (2008): (SAA-3 error, SdA-3 error) in percent, each with the
#: half-width of its 95 % interval on the 50,000 test examples, and SdA-3's masking level ν.
VINCENT_TABLE1 = {
    "basic": ((3.46, 0.16), (2.80, 0.14), 0.10),
    "rot": ((10.30, 0.27), (10.29, 0.27), 0.10),
    "bg-rand": ((11.28, 0.28), (10.38, 0.27), 0.40),
    "bg-img": ((23.00, 0.37), (16.68, 0.33), 0.25),
    "rot-bg-img": ((51.93, 0.44), (44.49, 0.44), 0.25),
    "rect": ((2.41, 0.13), (1.99, 0.12), 0.10),
    "rect-img": ((24.05, 0.37), (21.59, 0.36), 0.25),
    "convex": ((18.41, 0.34), (19.06, 0.34), 0.10),
}

_TABLE1_SETTINGS = (
    "train_fraction", "n_test", "hidden_sizes", "pretrain", "pretrain_epochs", "pretrain_lrs",
    "finetune", "finetune_lrs", "noise_levels",
)  # fmt: skip


#: The candidates of Table 1's selection grid per model in the ``paper`` profile, our reading of
#: the paper's protocol (a test checks them against its settings): SAA-3 has ν = 0 only.
TABLE1_GRID = {"SAA-3": 16, "SdA-3": 48}


def table1_grid(settings: Mapping, model: str) -> int:
    """How many candidates of ``model`` (SAA-3 or SdA-3) the grid of a record's ``settings`` holds;
    a record whose jobs trained part of it says how many as a ``budget:`` measurement."""
    levels = settings.get("noise_levels")
    size = 1 if model == "SAA-3" or levels is None else len(levels)
    for name in ("hidden_sizes", "pretrain_epochs", "pretrain_lrs", "finetune_lrs"):
        size *= len(settings[name])
    return size


def table1_key(task: str, model: str) -> str:
    """The ledger's key of Table 1's number for ``model`` (SAA-3 or SdA-3) on ``task``."""
    return f"vincent2008/table1/{task}/{model}"


def _table1() -> list[PaperNumber]:
    numbers = []
    for task, (saa, sda, nu) in VINCENT_TABLE1.items():
        for model, (value, half), tag in (("SAA-3", saa, "saa"), ("SdA-3", sda, "sda")):
            corruption = f"ν = {nu:.0%}" if tag == "sda" else "no corruption"
            numbers.append(
                PaperNumber(
                    key=table1_key(task, model),
                    cite="vincent2008extracting",
                    where="Table 1",
                    quantity=f"{model} test error, {task}",
                    value=value,
                    uncertainty=Uncertainty("ci95", half),
                    unit="%",
                    setting=(
                        f"{task} (Larochelle et al. 2007: 10,000 train, 2,000 valid, 50,000 "
                        f"test), 3 layers, {corruption}, hyper-parameters chosen on validation"
                    ),
                    source="paper",
                    checked="Table 1 of the ICML paper; the ± is the 95 % interval it states",
                    page="stacked_denoising_autoencoders",
                    measurement=f"{task}: {tag} test error (%)",
                    error=Binomial("n_test"),
                    depends_on=_TABLE1_SETTINGS,
                    budget=Budget(
                        "candidates (our reading of its selection grid)",
                        TABLE1_GRID[model],
                        functools.partial(table1_grid, model=model),
                    ),
                    data=(task,),
                )
            )
    return numbers


# ------------------------------------------------------------ Kingma & Welling 2013, Figure 2


def _examples(epochs: str, n_train: Callable[[Mapping], int]) -> Callable[[Mapping], float]:
    return lambda s: float(s[epochs]) * n_train(s)


#: Figure 2's AEVB test curves at 10⁸ training examples, read off the vector paths of the
#: figure in arXiv:1312.6114v10 (page 7) by ``scripts/read_figure2.py``; nats per example.
FIGURE2_READINGS = {
    "MNIST": {3: -133.38, 5: -119.12, 10: -103.68, 20: -100.17, 200: -100.25},
    "Frey Face": {2: 872.42, 5: 1115.07, 10: 1307.12, 20: 1312.35},
}
#: Half the curves' stroke width (0.88 pt) in each row's units: values closer than this cannot
#: be told apart on the printed figure.
FIGURE2_TOLERANCE = {"MNIST": 0.47, "Frey Face": 13.61}


def _figure2() -> list[PaperNumber]:
    numbers = []
    mnist = _examples("mnist_epochs", lambda s: s["mnist_n_train"])
    frey = _examples("frey_epochs", lambda s: 1965 - s["frey_n_test"])  # 1,965 faces in all
    for name, reached, data in (("MNIST", mnist, ("mnist",)), ("Frey Face", frey, ("frey-face",))):
        for n_z, value in FIGURE2_READINGS[name].items():
            numbers.append(
                PaperNumber(
                    key=f"kingma2013/figure2/{name}/N_z={n_z}",
                    cite="kingma2013auto",
                    where="Figure 2",
                    quantity=f"{name} test lower bound, N_z = {n_z}, after 10⁸ examples",
                    value=value,
                    uncertainty=Uncertainty("reading", FIGURE2_TOLERANCE[name]),
                    unit="nats",
                    setting=(
                        f"{name}, AEVB, {'500' if name == 'MNIST' else '200'} hidden units, "
                        "Adagrad, minibatch 100, the test curve at 10⁸ training examples"
                    ),
                    source="paper",
                    checked=(
                        "read off the vector paths of Figure 2 (arXiv v10, page 7) by "
                        "scripts/read_figure2.py: the dashed test curve interpolated at 10⁸ "
                        "examples on the axes its ticks define; the tolerance is half the "
                        "stroke width. The paper gives no spread (its estimator's variance "
                        "is '< 1')"
                    ),
                    page="vae",
                    measurement=f"{name} valid bound, N_z = {n_z}",  # valid = the test images
                    error=StandardError(
                        f"{name} valid bound s.e., N_z = {n_z}",
                        "s.e. of the single-sample bound over the test images",
                    ),
                    depends_on=("recipe", "mnist_n_test" if name == "MNIST" else "frey_n_test"),
                    budget=Budget("training examples", 1e8, reached),
                    data=data,
                )
            )
    return numbers


# ---------------------------------------------------------------------- VAE likelihood, M2

_LIKELIHOOD_SETTINGS = ("recipe", "latent_size", "lr_schedule", "n_test", "k")

_BURDA = [
    PaperNumber(
        key="burda2015/table1/VAE-1layer-k1/dynamic",
        cite="burda2015importance",
        where="Table 1",
        quantity="test log p(x), VAE, one stochastic layer, trained with k = 1",
        value=-86.76,
        uncertainty=Uncertainty("digits", 0.005),
        unit="nats",
        setting=(
            "MNIST with a new binarization at every use, 784-200-200-50 tanh, minibatch 20, "
            "Adam, 3,280 epochs in 8 stages, log p(x) by k = 5,000 on the 10,000 test images"
        ),
        source="paper",
        checked=(
            "Table 1 of the paper (no interval given); the settings were checked in the authors' "
            "released code (yburda/iwae: experiments.py, optimizers.py, datasets.py)"
        ),
        page="vae_likelihood",
        measurement="test log p(x), dynamic",
        error=StandardError("standard error of log p(x), dynamic", "importance-sampling s.e."),
        depends_on=(*_LIKELIHOOD_SETTINGS, "dynamic_n_train", "dynamic_epochs"),
        data=("mnist",),
    ),
    PaperNumber(
        key="burda2015/fixed-binarization/VAE-1layer-k1",
        cite="burda2015importance",
        where="released code, README (the number as quoted by the book)",
        quantity="test log p(x), same VAE, Larochelle & Murray's fixed binarization",
        value=-88.71,
        uncertainty=Uncertainty("digits", 0.005),
        unit="nats",
        setting="fixed binarization (50,000 training images), otherwise as the dynamic row",
        source="unverified",
        checked=(
            "not found in the text we could check; the authors' README says only that the fixed "
            "binarization gives test log-likelihoods about 2 nats below the dynamic ones"
        ),
        page="vae_likelihood",
        measurement="test log p(x), static",
        error=StandardError("standard error of log p(x), static", "importance-sampling s.e."),
        depends_on=(*_LIKELIHOOD_SETTINGS, "static_n_train", "static_epochs", "early_stopping"),
        data=("binarized-mnist",),
    ),
]

_M2_SETTINGS = (
    "n_train", "n_labelled", "latent_size", "hidden_sizes", "activation", "alpha_scale",
    "procedure", "epochs", "batch_size", "lr", "m1_hidden_sizes", "m1_epochs", "m1_batch_size",
    "m1_lr", "m1m2_hidden_sizes", "m1m2_epochs", "n_test",
)  # fmt: skip

_M2 = [
    PaperNumber(
        key=f"kingma2014/table1/100-labels/{model}",
        cite="kingma2014semi",
        where="Table 1",
        quantity=f"{model} test error, MNIST with 100 labels",
        value=value,
        uncertainty=Uncertainty("sd_runs", sd),
        unit="%",
        setting=setting,
        source="paper",
        checked=checked,
        page="m2",
        measurement=f"{model} test error (%)",
        error=Binomial("n_test"),
        depends_on=_M2_SETTINGS,
        data=("mnist",),
    )
    for model, value, sd, setting, checked in (
        (
            "M2",
            11.97,
            1.71,
            "M2 on pixels, 100 labels balanced over classes, 49,900 unlabelled images",
            "Table 1 of the paper; the released code (dpkingma/nips14-ssl) has no M2-on-pixels "
            "script for 100 labels, so its settings come from the paper's text",
        ),
        (
            "M1+M2",
            3.33,
            0.14,
            "M2 (one hidden layer of 300) on the 50-d codes of M1 (500-500 softplus), 3,000 "
            "passes, Adam 3e-4, α = 0.1",
            "Table 1 of the paper; settings in the released code (run_2layer_ssl.py, "
            "learn_yz_x_ss.py)",
        ),
    )
]

# ------------------------------------------------------------------ references the book quotes

_REFERENCES = [
    PaperNumber(
        key="pythae/reproducibility/VAE-binary-MNIST",
        cite="chadebec2022pythae",
        where="reproducibility table (examples/scripts/reproducibility/README.md)",
        quantity="test log p(x) of a VAE on binarized MNIST (their NLL 89.78, negated)",
        value=-89.78,
        uncertainty=Uncertainty("se", 0.01),
        unit="nats",
        setting="784-400-40 network, fixed binarization, 500 epochs, 200 importance samples",
        source="secondary",
        checked="read in Pythae's reproducibility table and its script vae.py",
        page="vae_likelihood",
        measurement="test log p(x), static",
        incomparable="another network (784-400-40) and 200 importance samples, not k = 5,000",
        reference=True,
    ),
    PaperNumber(
        key="xie2016/table2/k-means-pixels",
        cite="xie2016unsupervised",
        where="Table 2",
        quantity="k-means clustering accuracy on MNIST pixels",
        value=53.49,
        uncertainty=Uncertainty("digits", 0.005),
        unit="%",
        setting="all 70,000 MNIST images",
        source="unverified",
        checked="quoted by the book from DEC's Table 2; not re-checked here",
        page="clustering",
        measurement="pixels: accuracy (%)",
        incomparable="we cluster the 10,000 test images, they all 70,000",
        reference=True,
    ),
    PaperNumber(
        key="guo2017/table/AE+k-means",
        cite="guo2017improved",
        where="results table (AE + k-means row)",
        quantity="k-means clustering accuracy on stacked-autoencoder codes, MNIST",
        value=81.84,
        uncertainty=Uncertainty("digits", 0.005),
        unit="%",
        setting="DEC's 784-500-500-2000-10 autoencoder, all 70,000 images",
        source="unverified",
        checked=(
            "attributed by the book to Xie et al. 2016 until issue 13; the number is IDEC's "
            "(Guo et al. 2017), not re-checked here"
        ),
        incomparable="a different, larger autoencoder trained longer, on all 70,000 images",
        reference=True,
    ),
    PaperNumber(
        key="ruff2018/table1/one-class-deep-svdd/mean",
        cite="ruff2018deep",
        where="Table 1 (mean of the ten one-class MNIST rows, computed by us)",
        quantity="mean AUROC over the ten normal digits, One-Class Deep SVDD",
        value=94.8,
        uncertainty=Uncertainty("digits", 0.05),
        unit="%",
        setting="one digit normal, the other nine anomalous; global contrast normalization",
        source="unverified",
        checked="the ten per-digit values as quoted by the book; the mean is ours",
        incomparable="a different method (Deep SVDD) and preprocessing than our detectors",
        reference=True,
    ),
] + [
    PaperNumber(
        key=f"sedhain2015/table1/ML-1M/{model}",
        cite="sedhain2015autorec",
        where="Table 1",
        quantity=f"test RMSE of {model} on MovieLens 1M",
        value=value,
        uncertainty=Uncertainty("digits", 0.0005),
        unit="",
        setting="MovieLens 1M, 90 % / 10 % split of the ratings",
        source="unverified",
        checked="quoted by the book; not re-checked here",
        page="recommendation",
        measurement=f"test RMSE, {model}",
        incomparable="we use MovieLens 100K, they MovieLens 1M",
        reference=True,
    )
    for model, value in (("I-AutoRec", 0.831), ("BiasedMF", 0.845))
]

#: The whole ledger: the four papers' numbers, then the references the book quotes.
LEDGER: tuple[PaperNumber, ...] = (*_table1(), *_figure2(), *_BURDA, *_M2, *_REFERENCES)

if len({n.key for n in LEDGER}) != len(LEDGER):
    raise RuntimeError("the ledger's keys must be unique")
