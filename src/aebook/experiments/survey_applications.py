"""Chapter 4, applications (Bank, Koenigstein & Giryes 2020): settings per profile and experiments.

Five pages measure what autoencoders are used for, each against the baseline a practitioner would
pick instead: classification with few labels, clustering, anomaly detection, recommendation and
dimensionality reduction. Each page reads its own block of settings,
``settings("survey_applications").<page>``, stamped with the active profile.

The criteria of the checked claims come from the settings: loose in ``smoke`` (the code paths run),
the claim itself in ``standard`` and ``paper`` (e.g. "autoencoder features beat pixels" means a
gain of at least 0 percentage points). Measured on a 2-core CPU; see each page for the numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import make_swiss_roll
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch import Tensor

from aebook.data.mnist import LabelledImages
from aebook.data.movielens import Ratings
from aebook.evaluate.anomaly import (
    auroc,
    negative_elbo_scores,
    one_class_truth,
    squared_error_scores,
)
from aebook.evaluate.classification import ErrorRate, classification_error
from aebook.evaluate.clustering import best_matching
from aebook.models.autoencoders import MLPAutoencoder
from aebook.models.autorec import BiasedMF, IAutoRec, rmse
from aebook.models.vae import VAE
from aebook.profiles import ChapterSettings
from aebook.results.table import Table
from aebook.train import History, TrainConfig, fit

# ---- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClassificationSettings(ChapterSettings):
    n_unlabelled: int  #: MNIST training images used without their labels
    n_test: int  #: MNIST test images the errors are measured on
    label_counts: tuple[int, ...]  #: sizes of the labelled set (balanced over the 10 digits)
    draws: int  #: independent draws of the labelled set per size; errors are averaged
    encoder_sizes: tuple[int, ...]  #: encoder layers before the code (decoder mirrors them)
    code_size: int  #: autoencoder code size = number of principal components
    autoencoder: TrainConfig  #: the unsupervised autoencoder
    svm_c: float  #: C of the RBF support vector machine
    logistic_c: float  #: C (inverse L2 strength) of the logistic regression
    regulariser_lam: float  #: λ of L = L(y, ŷ) + λ·R(x, x̂)
    regularised_pool: int  #: unlabelled images mixed into the regularised network's training set
    labelled_share: float  #: share of labelled examples in the mixed training set
    regularised: TrainConfig  #: training of the classifier with (λ > 0) and without (λ = 0) R
    min_gain_features: (
        float  #: AE-feature SVM must beat the pixel SVM by this many points (fewest labels)
    )
    min_gain_regulariser: float  #: λ > 0 must beat λ = 0 by this many points (fewest labels)


@dataclass(frozen=True, kw_only=True)
class ClusteringSettings(ChapterSettings):
    n_train: int  #: training images the autoencoder and PCA are fitted on (labels unused)
    n_cluster: int  #: test images that are clustered and scored
    encoder_sizes: tuple[int, ...]  #: encoder layers before the code
    code_size: int  #: autoencoder code size = number of principal components
    autoencoder: TrainConfig  #: the autoencoder
    n_init: int  #: k-means restarts (the best inertia is kept)
    min_gain_accuracy: float  #: clustering accuracy on codes minus on pixels, in points
    min_gain_nmi: float  #: NMI on codes minus NMI on pixels


@dataclass(frozen=True, kw_only=True)
class AnomalySettings(ChapterSettings):
    digits: tuple[int, ...]  #: the digits that take turns as the normal class
    n_test: int  #: test images scored (about 10 % of them normal)
    encoder_sizes: tuple[int, ...]  #: autoencoder layers before the code
    code_size: int  #: autoencoder code size
    autoencoder: TrainConfig  #: training of the autoencoder, per digit
    vae_hidden: tuple[int, ...]  #: VAE hidden layers
    vae_latent: int  #: VAE latent size
    vae: TrainConfig  #: training of the VAE, per digit
    elbo_samples: int  #: samples of z per test image for the negative-ELBO score
    pca_components: int  #: components of the PCA baseline
    min_mean_auroc: float  #: mean AUROC over digits every method must reach


@dataclass(frozen=True, kw_only=True)
class RecommendationSettings(ChapterSettings):
    test_fraction: float  #: share of the ratings held out for the test RMSE (paper: 10 %)
    valid_fraction: float  #: share of the training ratings held out to choose λ and stop early
    splits: int  #: random train/test splits averaged (paper: 5)
    hidden: int  #: I-AutoRec hidden units (paper: 500)
    autorec_l2: tuple[float, ...]  #: λ values tried, chosen on the validation ratings
    autorec: TrainConfig  #: training of I-AutoRec (full batches of items)
    mf_rank: int  #: rank of the matrix factorisation
    mf_l2: tuple[float, ...]  #: penalty weights tried, chosen on the validation ratings
    mf: TrainConfig  #: training of BiasedMF
    max_rmse: float  #: both models must beat this test RMSE (the item-mean baseline is ≈ 1.01)
    max_autorec_minus_mf: float  #: I-AutoRec RMSE minus BiasedMF RMSE must be at most this


@dataclass(frozen=True, kw_only=True)
class DimensionalityReductionSettings(ChapterSettings):
    roll_samples: int  #: points of the swiss roll
    roll_noise: float  #: standard deviation of the noise added to the roll
    roll_neighbors: int  #: Isomap's neighbours on the roll
    roll_sizes: tuple[int, ...]  #: autoencoder layers on the roll (3 ... 2)
    roll_autoencoder: TrainConfig  #: its training
    n_train: int  #: MNIST images the MNIST autoencoder and PCA are fitted on
    n_embed: int  #: MNIST test images embedded (Isomap and trustworthiness on these)
    mnist_neighbors: int  #: Isomap's neighbours on MNIST
    mnist_sizes: tuple[int, ...]  #: autoencoder layers on MNIST (784 ... 2)
    mnist_autoencoder: TrainConfig  #: its training
    trust_neighbors: int  #: k of trustworthiness and continuity
    min_gain_isomap_roll: float  #: trustworthiness of Isomap minus PCA on the roll
    min_gain_ae_mnist: float  #: trustworthiness of the AE minus PCA on MNIST


@dataclass(frozen=True, kw_only=True)
class SurveyApplicationsSettings(ChapterSettings):
    classification: ClassificationSettings
    clustering: ClusteringSettings
    anomaly: AnomalySettings
    recommendation: RecommendationSettings
    dimensionality_reduction: DimensionalityReductionSettings

    def __post_init__(self):
        # each page shows its own block, so each block carries the profile that produced it
        for f in dataclasses.fields(self):
            part = getattr(self, f.name)
            if isinstance(part, ChapterSettings) and part.profile != self.profile:
                object.__setattr__(self, f.name, dataclasses.replace(part, profile=self.profile))


_AE = dict(batch_size=100, lr=1e-3, optimizer="adam")

SETTINGS = {
    "smoke": SurveyApplicationsSettings(
        classification=ClassificationSettings(
            n_unlabelled=4000,
            n_test=2000,
            label_counts=(100, 600),
            draws=1,
            encoder_sizes=(784, 256),
            code_size=32,
            autoencoder=TrainConfig(epochs=10, batch_size=100, lr=3e-3),
            svm_c=10.0,
            logistic_c=0.1,
            regulariser_lam=1.0,
            regularised_pool=4000,
            labelled_share=0.2,
            regularised=TrainConfig(epochs=8, batch_size=100, lr=3e-3),
            min_gain_features=-10.0,
            min_gain_regulariser=-10.0,
        ),
        clustering=ClusteringSettings(
            n_train=5000,
            n_cluster=2000,
            encoder_sizes=(784, 256),
            code_size=10,
            autoencoder=TrainConfig(epochs=3, **_AE),
            n_init=3,
            min_gain_accuracy=-15.0,
            min_gain_nmi=-0.15,
        ),
        anomaly=AnomalySettings(
            digits=(0, 1),
            n_test=2000,
            encoder_sizes=(784, 128),
            code_size=16,
            autoencoder=TrainConfig(epochs=3, **_AE),
            vae_hidden=(128,),
            vae_latent=8,
            vae=TrainConfig(epochs=3, **_AE),
            elbo_samples=1,
            pca_components=16,
            min_mean_auroc=0.6,
        ),
        recommendation=RecommendationSettings(
            test_fraction=0.1,
            valid_fraction=0.05,
            splits=1,
            hidden=100,
            autorec_l2=(100.0,),
            autorec=TrainConfig(epochs=80, batch_size=2000, lr=1e-2),
            mf_rank=10,
            mf_l2=(0.1,),
            mf=TrainConfig(epochs=3, batch_size=256, lr=3e-3),
            max_rmse=1.2,
            max_autorec_minus_mf=0.3,
        ),
        dimensionality_reduction=DimensionalityReductionSettings(
            roll_samples=800,
            roll_noise=0.05,
            roll_neighbors=10,
            roll_sizes=(3, 64, 64, 2),
            roll_autoencoder=TrainConfig(epochs=30, batch_size=50, lr=3e-3),
            n_train=4000,
            n_embed=800,
            mnist_neighbors=10,
            mnist_sizes=(784, 256, 2),
            mnist_autoencoder=TrainConfig(epochs=3, **_AE),
            trust_neighbors=10,
            min_gain_isomap_roll=-0.1,
            min_gain_ae_mnist=-0.1,
        ),
    ),
}
SETTINGS["standard"] = SurveyApplicationsSettings(
    classification=ClassificationSettings(
        n_unlabelled=50_000,
        n_test=10_000,
        label_counts=(100, 600, 1000, 3000),
        draws=3,
        encoder_sizes=(784, 512, 256),
        code_size=32,
        autoencoder=TrainConfig(epochs=10, **_AE),
        svm_c=10.0,
        logistic_c=0.1,
        regulariser_lam=1.0,
        regularised_pool=20_000,
        labelled_share=0.2,
        regularised=TrainConfig(epochs=5, **_AE),
        min_gain_features=0.0,
        min_gain_regulariser=0.0,
    ),
    clustering=ClusteringSettings(
        n_train=50_000,
        n_cluster=10_000,
        encoder_sizes=(784, 500, 500),
        code_size=10,
        autoencoder=TrainConfig(epochs=10, **_AE),
        n_init=10,
        min_gain_accuracy=0.0,
        min_gain_nmi=0.0,
    ),
    anomaly=AnomalySettings(
        digits=tuple(range(10)),
        n_test=10_000,
        encoder_sizes=(784, 256, 64),
        code_size=16,
        autoencoder=TrainConfig(epochs=20, **_AE),
        vae_hidden=(256, 64),
        vae_latent=16,
        vae=TrainConfig(epochs=20, **_AE),
        elbo_samples=4,
        pca_components=16,
        min_mean_auroc=0.85,
    ),
    recommendation=RecommendationSettings(
        test_fraction=0.1,
        valid_fraction=0.05,
        splits=2,
        hidden=500,
        autorec_l2=(10.0, 100.0, 1000.0),
        autorec=TrainConfig(epochs=400, batch_size=2000, lr=1e-2, early_stopping=20),
        mf_rank=50,
        mf_l2=(0.03, 0.1, 0.3),
        mf=TrainConfig(epochs=200, batch_size=256, lr=3e-3, early_stopping=10),
        max_rmse=1.0,
        max_autorec_minus_mf=0.0,
    ),
    dimensionality_reduction=DimensionalityReductionSettings(
        roll_samples=2000,
        roll_noise=0.05,
        roll_neighbors=10,
        roll_sizes=(3, 128, 128, 2),
        roll_autoencoder=TrainConfig(epochs=200, batch_size=100, lr=1e-3),
        n_train=50_000,
        n_embed=3000,
        mnist_neighbors=10,
        mnist_sizes=(784, 512, 128, 2),
        mnist_autoencoder=TrainConfig(epochs=10, **_AE),
        trust_neighbors=10,
        min_gain_isomap_roll=0.0,
        min_gain_ae_mnist=0.0,
    ),
)

# The papers' own scale, for one GPU: the architectures of Xie et al. (DEC) and Kingma et al.,
# Sedhain et al.'s λ grid and five splits, ten label draws, every image. Not run in this
# workplace (no GPU); the criteria are the claims themselves, as in ``standard``.
SETTINGS["paper"] = SurveyApplicationsSettings(
    classification=dataclasses.replace(
        SETTINGS["standard"].classification,
        draws=10,
        encoder_sizes=(784, 1000, 500, 250),
        autoencoder=TrainConfig(epochs=100, **_AE),
        regularised_pool=50_000,
        regularised=TrainConfig(epochs=30, **_AE),
    ),
    clustering=dataclasses.replace(
        SETTINGS["standard"].clustering,
        encoder_sizes=(784, 500, 500, 2000),
        autoencoder=TrainConfig(epochs=200, batch_size=256, lr=1e-3, lr_schedule="cosine"),
        n_init=20,
    ),
    anomaly=dataclasses.replace(
        SETTINGS["standard"].anomaly,
        autoencoder=TrainConfig(epochs=150, **_AE),
        vae=TrainConfig(epochs=150, **_AE),
        elbo_samples=16,
    ),
    recommendation=dataclasses.replace(
        SETTINGS["standard"].recommendation,
        splits=5,
        autorec_l2=(0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0),
        autorec=TrainConfig(epochs=2000, batch_size=2000, lr=1e-2, early_stopping=50),
        mf_l2=(0.01, 0.03, 0.1, 0.3),
    ),
    dimensionality_reduction=dataclasses.replace(
        SETTINGS["standard"].dimensionality_reduction,
        roll_autoencoder=TrainConfig(epochs=1000, batch_size=100, lr=1e-3),
        n_embed=10_000,
        mnist_autoencoder=TrainConfig(epochs=50, **_AE),
    ),
)


# ---- shared helpers ---------------------------------------------------------------------------


def train_autoencoder(
    sizes: Sequence[int],
    x: Tensor,
    config: TrainConfig,
    *,
    reconstruction: str = "cross_entropy",
    activation: str = "relu",
    seed: int = 0,
) -> tuple[MLPAutoencoder, History]:
    """A seeded :class:`~aebook.models.autoencoders.MLPAutoencoder` with encoder ``sizes`` trained
    on ``x``, in eval mode."""
    torch.manual_seed(seed)
    model = MLPAutoencoder(tuple(sizes), activation=activation, reconstruction=reconstruction)
    history = fit(model, x, config)
    return model.eval(), history


@torch.no_grad()
def encode(model, x: Tensor, batch_size: int = 5000) -> Tensor:
    """``model.encode`` of ``x`` in batches, in eval mode, on the CPU."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out = torch.cat(
        [model.encode(x[i : i + batch_size].to(device)).cpu() for i in range(0, len(x), batch_size)]
    )
    model.train(was_training)
    return out


# ---- classification with few labels -----------------------------------------------------------


def balanced_subset(labels: Tensor, n: int, *, n_classes: int = 10, seed: int = 0) -> Tensor:
    """Indices of ``n`` examples, ``n / n_classes`` of each class, drawn with ``seed`` (sorted)."""
    if n < n_classes or n % n_classes:
        raise ValueError(f"n must be a positive multiple of n_classes ({n_classes}); got {n}")
    g = torch.Generator().manual_seed(seed)
    chosen = []
    for k in range(n_classes):
        members = torch.nonzero(labels.cpu() == k).flatten()
        if len(members) < n // n_classes:
            raise ValueError(f"class {k} has {len(members)} examples, fewer than {n // n_classes}")
        chosen.append(members[torch.randperm(len(members), generator=g)[: n // n_classes]])
    return torch.cat(chosen).sort().values


def classifiers(svm_c: float, logistic_c: float) -> dict[str, Callable[[], object]]:
    """The two scikit-learn classifiers of the page, each after standardising its features."""
    return {
        "SVM (RBF)": lambda: make_pipeline(StandardScaler(), SVC(C=svm_c, gamma="scale")),
        "logistic regression": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(C=logistic_c, max_iter=3000)
        ),
    }


def few_label_errors(
    features: Mapping[str, tuple[Tensor, Tensor]],
    pool_labels: Tensor,
    test_labels: Tensor,
    label_counts: Sequence[int],
    make_classifier: Mapping[str, Callable[[], object]],
    *,
    draws: int = 1,
    seed: int = 0,
) -> dict[str, dict[int, list[ErrorRate]]]:
    """Test errors of every classifier on every feature set, for each number of labels.

    ``features[name] = (pool, test)``: features of the labelled pool (from which balanced subsets
    are drawn) and of the test set. The same labelled subset is used for every feature set and
    classifier of a draw. Returns ``errors["<classifier> on <features>"][count]`` with one
    :class:`~aebook.evaluate.classification.ErrorRate` per draw.
    """
    out: dict[str, dict[int, list[ErrorRate]]] = {}
    y_test = test_labels.cpu()
    for count in label_counts:
        for draw in range(draws):
            idx = balanced_subset(pool_labels, count, seed=seed + 1000 * draw + count)
            y = pool_labels.cpu()[idx].numpy()
            for fname, (pool, test) in features.items():
                train_x, test_x = pool.cpu()[idx].numpy(), test.cpu().numpy()
                for cname, make in make_classifier.items():
                    pred = make().fit(train_x, y).predict(test_x)
                    err = classification_error(torch.as_tensor(pred), y_test)
                    out.setdefault(f"{cname} on {fname}", {}).setdefault(count, []).append(err)
    return out


def mean_percent(errors: Sequence[ErrorRate]) -> float:
    """The average test error in percent over draws."""
    return float(np.mean([e.percent for e in errors]))


def error_table(errors: Mapping[str, Mapping[int, Sequence[ErrorRate]]]) -> Table:
    """Rows: methods; columns: label counts; cells: mean error (± the 95 % interval of one draw)."""
    counts = sorted({c for per in errors.values() for c in per})
    rows = []
    for name, per in errors.items():
        cells = []
        for c in counts:
            errs = per.get(c, [])
            if not errs:
                cells.append("—")
            elif len(errs) == 1:
                cells.append(str(errs[0]))
            else:
                cells.append(f"{mean_percent(errs):.2f} % (mean of {len(errs)})")
        rows.append([name, *cells])
    return Table(["method", *[f"{c} labels" for c in counts]], rows)


# ---- clustering -------------------------------------------------------------------------------


def kmeans_clusters(features, k: int = 10, *, n_init: int = 10, seed: int = 0) -> np.ndarray:
    """k-means (scikit-learn, k-means++ starts) on the rows of ``features``: one cluster per row."""
    f = features.cpu().numpy() if isinstance(features, Tensor) else np.asarray(features)
    return KMeans(k, n_init=n_init, random_state=seed).fit_predict(f)


def matched_contingency(classes, clusters) -> tuple[np.ndarray, list[int], list[int]]:
    """Counts of (cluster, class) with the clusters ordered by the class they are matched to.

    Returns the table ``(clusters, classes)``, the cluster id of each row, and the class each row's
    cluster is matched to (-1 if unmatched), for a figure where a perfect clustering is a diagonal.
    """
    y = np.asarray(classes.cpu() if isinstance(classes, Tensor) else classes)
    c = np.asarray(clusters)
    mapping = best_matching(y, c)
    class_ids = np.unique(y)
    order = sorted((int(k) for k in np.unique(c)), key=lambda k: (mapping.get(k, 10**9), k))
    table = np.array([[np.sum((c == k) & (y == j)) for j in class_ids] for k in order])
    return table, order, [mapping.get(k, -1) for k in order]


# ---- anomaly detection ------------------------------------------------------------------------


@dataclass
class OneClassResult:
    """AUROC of every method for one normal digit, with the scores behind them."""

    digit: int
    auroc: dict[str, float]
    scores: dict[str, Tensor]
    is_anomaly: Tensor


def one_class_experiment(
    digit: int, train: LabelledImages, test: LabelledImages, cfg: AnomalySettings, *, seed: int = 0
) -> OneClassResult:
    """Train on the training images of ``digit`` only; score the test images three ways.

    Scores (higher = more anomalous): the autoencoder's squared reconstruction error, the VAE's
    negative ELBO (in nats, averaged over ``cfg.elbo_samples`` draws of z) and the squared
    reconstruction error of PCA with ``cfg.pca_components`` components.
    """
    x = train.x[train.y == digit]
    x_test = test.x[: cfg.n_test]
    truth = one_class_truth(test.y[: cfg.n_test], digit)
    ae, _ = train_autoencoder(
        (*cfg.encoder_sizes, cfg.code_size),
        x,
        dataclasses.replace(cfg.autoencoder, seed=seed),
        seed=seed,
    )
    torch.manual_seed(seed)
    vae = VAE(x.shape[1], cfg.vae_latent, cfg.vae_hidden)
    fit(vae, x, dataclasses.replace(cfg.vae, seed=seed))
    pca = PCA(cfg.pca_components, svd_solver="full").fit(x.numpy())

    def pca_reconstruct(v: Tensor) -> Tensor:
        return torch.from_numpy(pca.inverse_transform(pca.transform(v.numpy()))).to(v)

    g = torch.Generator().manual_seed(seed)
    device = next(ae.parameters()).device
    scores = {
        "autoencoder (reconstruction error)": squared_error_scores(
            ae.reconstruct, x_test.to(device)
        ).cpu(),
        "VAE (negative ELBO)": negative_elbo_scores(
            vae.cpu(), x_test, samples=cfg.elbo_samples, generator=g
        ),
        "PCA (reconstruction error)": squared_error_scores(pca_reconstruct, x_test),
    }
    return OneClassResult(digit, {k: auroc(v, truth) for k, v in scores.items()}, scores, truth)


# ---- recommendation ---------------------------------------------------------------------------


@dataclass
class RecommenderFit:
    """A trained rating model, the hyperparameter chosen, and its validation and test RMSE."""

    name: str
    model: torch.nn.Module
    chosen: float
    valid_rmse: float
    history: History
    tried: dict[float, float]  #: validation RMSE of every value tried


def fit_autorec(
    train: Ratings, valid: Ratings, hidden: int, l2_grid: Sequence[float], config: TrainConfig
) -> RecommenderFit:
    """I-AutoRec for every λ of ``l2_grid``, early-stopped and chosen on ``valid`` ratings."""
    matrix, mask = train.item_matrix()
    v_matrix, v_mask = valid.item_matrix()
    best: RecommenderFit | None = None
    tried = {}
    for l2 in l2_grid:
        torch.manual_seed(config.seed)
        model = IAutoRec(train.n_users, train.n_items, hidden, l2=l2)
        history = fit(
            model,
            (matrix, mask),
            dataclasses.replace(
                config, monitor="squared_error_per_item", early_stopping=config.early_stopping or 20
            ),
            valid=(matrix, mask, v_matrix, v_mask),
        )
        model.cpu()
        score = rmse(model.predict(matrix, mask, valid.users, valid.items), valid.values)
        tried[l2] = score
        if best is None or score < best.valid_rmse:
            best = RecommenderFit("I-AutoRec", model, l2, score, history, tried)
    assert best is not None
    return best


def fit_biased_mf(
    train: Ratings, valid: Ratings, rank: int, l2_grid: Sequence[float], config: TrainConfig
) -> RecommenderFit:
    """BiasedMF for every penalty of ``l2_grid``, early-stopped and chosen on ``valid`` ratings."""
    best: RecommenderFit | None = None
    tried = {}
    for l2 in l2_grid:
        model = BiasedMF(
            train.n_users,
            train.n_items,
            rank,
            l2=l2,
            global_mean=float(train.values.mean()),
            generator=torch.Generator().manual_seed(config.seed),
        )
        history = fit(
            model,
            (train.users, train.items, train.values),
            dataclasses.replace(
                config, monitor="squared_error", early_stopping=config.early_stopping or 10
            ),
            valid=(valid.users, valid.items, valid.values),
        )
        model.cpu()
        score = rmse(model.predict(valid.users, valid.items), valid.values)
        tried[l2] = score
        if best is None or score < best.valid_rmse:
            best = RecommenderFit("BiasedMF", model, l2, score, history, tried)
    assert best is not None
    return best


def item_mean_rmse(train: Ratings, test: Ratings, prior: float = 5.0) -> float:
    """RMSE of predicting each item's mean training rating, shrunk towards the global mean.

    ``prior`` is the weight (in ratings) of the global mean; an item without training ratings gets
    the global mean. The simplest baseline that uses the data at all.
    """
    mu = float(train.values.mean())
    sums = torch.zeros(train.n_items).index_add_(0, train.items, train.values)
    counts = torch.bincount(train.items, minlength=train.n_items).float()
    means = (sums + prior * mu) / (counts + prior)
    return rmse(means[test.items], test.values)


# ---- dimensionality reduction -----------------------------------------------------------------


def swiss_roll(n: int, noise: float, seed: int = 0) -> tuple[Tensor, Tensor]:
    """scikit-learn's swiss roll: points ``(n, 3)`` and their position ``t`` along the roll."""
    x, t = make_swiss_roll(n, noise=noise, random_state=seed)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(t.astype(np.float32))
