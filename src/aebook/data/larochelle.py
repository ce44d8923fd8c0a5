"""The benchmark tasks of Larochelle, Erhan, Courville, Bergstra & Bengio (2007), used by Table 1
of Vincent et al. (2008): eight 28 x 28 image classification problems with many factors of
variation.

=============  =====================================================  =======  ===================
task           what varies                                            classes  train / valid / test
=============  =====================================================  =======  ===================
basic          MNIST digits, nothing added                            10       10,000 / 2,000 / 50,000
rot            digits rotated by an angle uniform in [0, 2π)           10       10,000 / 2,000 / 50,000
bg-rand        digits over a background of uniform noise              10       10,000 / 2,000 / 50,000
bg-img         digits over a patch of a natural image                 10       10,000 / 2,000 / 50,000
rot-bg-img     rotated digits over a patch of a natural image         10       10,000 / 2,000 / 50,000
rect           outline of a rectangle: tall (1) or wide (0)           2        1,000 / 200 / 50,000
rect-img       rectangle cut from one image patch, laid on another    2        10,000 / 2,000 / 50,000
convex         a white region: convex (1) or not (0)                  2        6,000 / 2,000 / 50,000
=============  =====================================================  =======  ===================

:func:`load_task` reads the official ``.amat`` files when they are in ``$AEBOOK_DATA/larochelle2007``
(the train file holds training then validation examples, as published). Otherwise it **generates**
the task from its published recipe, seeded, in a few vectorised tensor operations. A generated task
is not the original data set; :data:`GENERATED_DIFFERENCES` says how each one differs, the
chapter prints it, and the returned splits' ``provenance`` says so (recipe and seed). No official
checksum of the ``.amat`` files is available here, so they are not downloaded; a file that is
present is checked for shape, finite values, label range and pixel range before use, and its
SHA-256 goes into ``provenance``. When only one of a task's two files is present nothing is
generated: the error names the file that is missing.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from aebook.checks import check_count
from aebook.data.mnist import LabelledImages, Splits, load_mnist
from aebook.data.store import CorruptDataError, DataUnavailableError, data_dir, file_provenance
from aebook.data.transforms import rotate

SIDE = 28
SHAPE = (SIDE, SIDE)
D = SIDE * SIDE

TASKS = ("basic", "rot", "bg-rand", "bg-img", "rot-bg-img", "rect", "rect-img", "convex")
MNIST_TASKS = ("basic", "rot", "bg-rand", "bg-img", "rot-bg-img")


@dataclass(frozen=True)
class SplitSizes:
    """Numbers of training, validation and test examples of a task."""

    n_train: int
    n_valid: int
    n_test: int

    def __post_init__(self):
        for name in ("n_train", "n_valid", "n_test"):
            check_count(name, getattr(self, name))

    def scaled(self, train: float = 1.0, test: float = 1.0) -> SplitSizes:
        """Smaller splits: training and validation scaled by ``train``, test by ``test``."""
        return SplitSizes(
            max(1, round(self.n_train * train)),
            max(1, round(self.n_valid * train)),
            max(1, round(self.n_test * test)),
        )


#: The split sizes of the published tasks (Larochelle et al. 2007; Vincent et al. 2008).
PAPER_SIZES = {
    **{t: SplitSizes(10_000, 2_000, 50_000) for t in MNIST_TASKS},
    "rect": SplitSizes(1_000, 200, 50_000),
    "rect-img": SplitSizes(10_000, 2_000, 50_000),
    "convex": SplitSizes(6_000, 2_000, 50_000),
}

N_CLASSES = {**{t: 10 for t in MNIST_TASKS}, "rect": 2, "rect-img": 2, "convex": 2}

#: Names of the official files in ``$AEBOOK_DATA/larochelle2007`` (train+valid, test).
OFFICIAL_FILES = {
    "basic": ("mnist_train.amat", "mnist_test.amat"),
    "rot": (
        "mnist_all_rotation_normalized_float_train_valid.amat",
        "mnist_all_rotation_normalized_float_test.amat",
    ),
    "bg-rand": ("mnist_background_random_train.amat", "mnist_background_random_test.amat"),
    "bg-img": ("mnist_background_images_train.amat", "mnist_background_images_test.amat"),
    "rot-bg-img": (
        "mnist_all_background_images_rotation_normalized_train_valid.amat",
        "mnist_all_background_images_rotation_normalized_test.amat",
    ),
    "rect": ("rectangles_train.amat", "rectangles_test.amat"),
    "rect-img": ("rectangles_im_train.amat", "rectangles_im_test.amat"),
    "convex": ("convex_train.amat", "convex_test.amat"),
}

#: How each generated task differs from the published one (shown on the chapter's page).
GENERATED_DIFFERENCES = {
    "basic": "Same recipe: MNIST digits drawn at random (without replacement) from the 70,000 "
    "MNIST images; which digits land in which split differs from the published files.",
    "rot": "Same recipe (angle uniform in [0, 2π), bilinear interpolation); our interpolation "
    "and the digits drawn differ from the published files.",
    "bg-rand": "Same recipe (each background pixel uniform in [0, 1]); a pixel is the larger of "
    "the digit and the background, our reading of how the digit was laid on the noise.",
    "bg-img": "Backgrounds are cut from 18 photographs bundled with scikit-learn and "
    "scikit-image (with random flips and quarter turns) instead of the 20 unpublished images of "
    "the original; patches with little "
    "texture (standard deviation < 0.1) are skipped as in the original; digit over background "
    "by a pixel-wise maximum.",
    "rot-bg-img": "The rotation of rot followed by the backgrounds of bg-img, with the same "
    "differences as those two tasks.",
    "rect": "Same recipe (outline of a rectangle, sides uniform with a difference of at least 3 "
    "pixels, position uniform); our side range is 3..28 pixels and the classes are exactly "
    "balanced.",
    "rect-img": "The inside of the rectangle is one image patch and the outside another, both "
    "from the 18 photographs of bg-img instead of the original 20 images; sides 6..28 pixels, "
    "at least 3 apart.",
    "convex": "Same recipe and parameters (intersections of random half-planes, their number "
    "geometric with parameter 0.195, at least 19 pixels; non-convex: unions of 2-4 such sets with "
    "parameter 0.07 and at least 10 pixels each, kept only when not convex); convexity is tested "
    "on the pixel grid (no pixel inside the convex hull is off). With our placement of the "
    "half-planes (a uniform point of the image on the edge, a uniform direction) the regions are "
    "large, about 460 of the 784 pixels on average. The original balanced the mean white area of "
    "the classes through its parameters; we draw the convex sets so that their area follows the "
    "distribution of the non-convex ones. Classes exactly balanced.",
}


# --------------------------------------------------------------------------- reading .amat files


def read_labelled_amat(path: Path | str, n_classes: int | None = None) -> tuple[Tensor, Tensor]:
    """Parse one ``.amat`` file: one example per row, 784 pixel values in [0, 1], then the label.

    Raises :class:`~aebook.data.store.CorruptDataError` when a row has the wrong length, a value
    is NaN or infinite, a pixel lies outside [0, 1] or a label is not a whole number in
    ``0..n_classes - 1`` (>= 0 when ``n_classes`` is None).
    """
    path = Path(path)
    try:
        table = np.loadtxt(path, dtype=np.float32, ndmin=2)
    except ValueError as exc:
        raise CorruptDataError(f"{path} is not a table of numbers ({exc})") from exc
    if table.shape[1] != D + 1:
        raise CorruptDataError(
            f"{path} has {table.shape[1]} columns; expected {D + 1} (784 pixels and a label)"
        )
    bad = np.argwhere(~np.isfinite(table))
    if len(bad):
        row, col = bad[0]
        raise CorruptDataError(
            f"{path} holds {len(bad)} NaN or infinite value(s), the first in row {row + 1}, "
            f"column {col + 1}"
        )
    x, labels = table[:, :D], table[:, D]
    if x.size and (x.min() < -1e-6 or x.max() > 1 + 1e-6):
        raise CorruptDataError(f"{path} holds pixel values outside [0, 1]")
    top = "" if n_classes is None else f"..{n_classes - 1}"
    if labels.size and (
        np.any(labels != np.round(labels))
        or labels.min() < 0
        or (n_classes is not None and labels.max() >= n_classes)
    ):
        raise CorruptDataError(f"{path} holds a label that is not a whole number in 0{top}")
    return torch.from_numpy(np.clip(x, 0, 1)), torch.from_numpy(labels.astype(np.int64))


def _official(task: str, sizes: SplitSizes, folder: Path) -> Splits | None:
    """The task read from its two official files; None when neither is present.

    One file without the other is an error, not a reason to generate the task: a reader who
    copied the files in expects them to be used.
    """
    names = OFFICIAL_FILES[task]
    paths = [folder / n for n in names]
    present = [p.is_file() for p in paths]
    if not any(present):
        return None
    if not all(present):
        have, lack = (paths[0], paths[1]) if present[0] else (paths[1], paths[0])
        raise DataUnavailableError(
            f"The {task!r} task has one of its two official files in {folder}: {have.name} is "
            f"there but {lack.name} is not. Copy {lack.name} into that folder to use the "
            f"published data, or move {have.name} away (or pass official=False) to generate "
            f"the task."
        )
    x, y = read_labelled_amat(paths[0], N_CLASSES[task])
    x_test, y_test = read_labelled_amat(paths[1], N_CLASSES[task])
    n_valid = PAPER_SIZES[task].n_valid
    if len(x) <= n_valid:
        raise CorruptDataError(f"{paths[0]} holds {len(x)} rows; expected more than {n_valid}")
    cut = len(x) - n_valid
    parts = [(x[:cut], y[:cut]), (x[cut:], y[cut:]), (x_test, y_test)]
    wanted = (sizes.n_train, sizes.n_valid, sizes.n_test)
    out = []
    for (xs, ys), n, split in zip(parts, wanted, ("train", "valid", "test"), strict=True):
        if n > len(xs):
            raise ValueError(f"sizes asks for {n} {split} examples; the files hold {len(xs)}")
        out.append(LabelledImages(xs[:n], ys[:n], SHAPE))
    files = file_provenance(f"larochelle2007/{task}", dict(zip(names, paths, strict=True)), None)
    return Splits(*out, provenance=files)


# --------------------------------------------------------------------------- seeded randomness


def _generator(seed: int, *parts: str) -> torch.Generator:
    """A generator whose state depends on ``seed`` and on the names in ``parts`` (stable)."""
    key = zlib.crc32("/".join(parts).encode())
    return torch.Generator().manual_seed(seed * 1_000_003 + key)


def _geometric(p: float, shape: tuple[int, ...], generator: torch.Generator) -> Tensor:
    """Draws of a geometric distribution on {1, 2, ...} with success probability ``p``."""
    u = torch.rand(shape, generator=generator).clamp_min(1e-12)
    return 1 + torch.floor(torch.log(u) / math.log1p(-p)).long()


# --------------------------------------------------------------------------- digits


_MNIST_POOL: dict[str, tuple[Tensor, Tensor]] = {}


def _mnist_pool(root: Path | str | None) -> tuple[Tensor, Tensor]:
    """All 70,000 MNIST images (training then test files), loaded once per process."""
    key = str(root)
    if key not in _MNIST_POOL:
        mnist = load_mnist(n_valid=0, root=root)
        _MNIST_POOL[key] = (
            torch.cat([mnist.train.x, mnist.test.x]),
            torch.cat([mnist.train.y, mnist.test.y]),
        )
    return _MNIST_POOL[key]


def _digits(split: str, n: int, seed: int, root) -> tuple[Tensor, Tensor]:
    """``n`` digits of one split. The 70,000 images are shuffled once (by ``seed``) and cut into
    disjoint blocks of 10,000 / 2,000 / 50,000, so the splits never share a digit."""
    x, y = _mnist_pool(root)
    order = torch.randperm(len(x), generator=_generator(seed, "mnist-pool"))
    start = {"train": 0, "valid": 10_000, "test": 12_000}[split]
    idx = order[start : start + n]
    return x[idx], y[idx]


# --------------------------------------------------------------------------- natural images


#: The photographs the image backgrounds are cut from: the original used 20 images from the
#: internet that were never published; these are 18 photographs that scikit-learn (2) and
#: scikit-image (16) ship: scenes, textures, a face, animals, objects, microscopy and the sky.
#: Their drawings, scanned text, tiny images and synthetic test images are left out.
PHOTOGRAPHS = (
    "sklearn:china.jpg",
    "sklearn:flower.jpg",
    *(
        f"skimage:{name}"
        for name in "astronaut brick camera cell chelsea clock coffee coins gravel grass "
        "hubble_deep_field immunohistochemistry moon motorcycle retina rocket".split()
    ),
)
#: Longer side of a photograph at most (the scikit-learn ones' 640 pixels): larger ones are
#: averaged down by an integer factor, so that a 28 x 28 patch covers a similar share of a scene.
MAX_SIDE = 640


def _photograph(name: str) -> np.ndarray:
    """One of :data:`PHOTOGRAPHS` as its package ships it (uint8, grey or RGB)."""
    source, item = name.split(":")
    if source == "sklearn":
        from sklearn.datasets import load_sample_image

        return load_sample_image(item)
    import skimage.data

    return (
        skimage.data.stereo_motorcycle()[0]
        if item == "motorcycle"
        else getattr(skimage.data, item)()
    )


def natural_images() -> list[Tensor]:
    """:data:`PHOTOGRAPHS` in grey levels in [0, 1], shape ``(h, w)``, longer side at most
    :data:`MAX_SIDE`."""
    luminance = torch.tensor([0.299, 0.587, 0.114])
    images = []
    for name in PHOTOGRAPHS:
        img = torch.from_numpy(np.asarray(_photograph(name), dtype=np.float32) / 255.0)
        if img.ndim == 3:
            img = img[..., :3] @ luminance
        factor = math.ceil(max(img.shape) / MAX_SIDE)
        if factor > 1:
            img = F.avg_pool2d(img[None, None], factor)[0, 0]
        images.append(img)
    return images


_PATCH_SITES: list[tuple[Tensor, Tensor]] = []


def _textured_sites(min_std: float = 0.1) -> list[tuple[Tensor, Tensor]]:
    """Per image: the image and the top-left corners of its 28 x 28 patches with std >= min_std
    (window sums from integral images, in float64)."""
    if not _PATCH_SITES:
        for img in natural_images():
            sums = []
            for values in (img.double(), img.double().pow(2)):
                integral = F.pad(values.cumsum(0).cumsum(1), (1, 0, 1, 0))
                sums.append(
                    integral[SIDE:, SIDE:]
                    - integral[:-SIDE, SIDE:]
                    - integral[SIDE:, :-SIDE]
                    + integral[:-SIDE, :-SIDE]
                )
            mean, mean2 = sums[0] / D, sums[1] / D
            std = (mean2 - mean.pow(2)).clamp_min(0).sqrt()
            _PATCH_SITES.append((img, torch.nonzero(std >= min_std)))
    return _PATCH_SITES


def image_patches(n: int, generator: torch.Generator) -> Tensor:
    """``n`` textured 28 x 28 patches ``(n, 784)`` cut at random from :func:`natural_images`,
    each flipped and turned by a random one of the 8 symmetries of the square."""
    sites = _textured_sites()
    which = torch.randint(len(sites), (n,), generator=generator)
    out = torch.empty(n, SIDE, SIDE)
    offsets = torch.arange(SIDE)
    for i, (img, corners) in enumerate(sites):
        sel = torch.nonzero(which == i)[:, 0]
        if len(sel) == 0:
            continue
        pick = corners[torch.randint(len(corners), (len(sel),), generator=generator)]
        rows = (pick[:, 0, None] + offsets)[:, :, None]
        cols = (pick[:, 1, None] + offsets)[:, None, :]
        out[sel] = img[rows, cols]
    turns = torch.randint(4, (n,), generator=generator)
    flips = torch.rand(n, generator=generator) < 0.5
    out[flips] = out[flips].flip(-1)
    for k in range(1, 4):
        sel = turns == k
        out[sel] = torch.rot90(out[sel], k, dims=(1, 2))
    return out.reshape(n, D)


# --------------------------------------------------------------------------- rectangles


def _grid() -> tuple[Tensor, Tensor]:
    r = torch.arange(SIDE).view(1, SIDE, 1)
    c = torch.arange(SIDE).view(1, 1, SIDE)
    return r, c


def _rectangle_geometry(
    n: int, generator: torch.Generator, min_side: int, min_gap: int = 3
) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """Top, left, height, width and label (1 = tall) of ``n`` rectangles, classes balanced.

    The pair of sides (long, short) is uniform over the pairs with ``long - short >= min_gap``;
    the label decides which one is the height; the position is uniform inside the image.
    """
    pairs = torch.tensor(
        [
            (a, b)
            for a in range(min_side, SIDE + 1)
            for b in range(min_side, SIDE + 1)
            if a - b >= min_gap
        ]
    )
    chosen = pairs[torch.randint(len(pairs), (n,), generator=generator)]
    labels = (torch.arange(n) < (n + 1) // 2).long()
    labels = labels[torch.randperm(n, generator=generator)]
    height = torch.where(labels == 1, chosen[:, 0], chosen[:, 1])
    width = torch.where(labels == 1, chosen[:, 1], chosen[:, 0])
    top = (torch.rand(n, generator=generator) * (SIDE - height + 1)).long()
    left = (torch.rand(n, generator=generator) * (SIDE - width + 1)).long()
    return top, left, height, width, labels


def _inside(top, left, height, width) -> Tensor:
    r, c = _grid()
    t, lf = top.view(-1, 1, 1), left.view(-1, 1, 1)
    b, rt = t + height.view(-1, 1, 1) - 1, lf + width.view(-1, 1, 1) - 1
    return (r >= t) & (r <= b) & (c >= lf) & (c <= rt)


def rectangles(n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """``n`` images of a rectangle's outline (value 1) on black; label 1 when taller than wide."""
    top, left, height, width, labels = _rectangle_geometry(n, generator, min_side=3)
    inner = _inside(top + 1, left + 1, height - 2, width - 2)
    outline = _inside(top, left, height, width) & ~inner
    return outline.reshape(n, D).float(), labels


def rectangles_image(n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """``n`` images: a rectangle filled with one image patch over another patch; 1 when tall."""
    top, left, height, width, labels = _rectangle_geometry(n, generator, min_side=6)
    inside = _inside(top, left, height, width).reshape(n, D)
    fill, background = image_patches(n, generator), image_patches(n, generator)
    return torch.where(inside, fill, background), labels


# --------------------------------------------------------------------------- convex sets


def _pixel_centres() -> Tensor:
    r, c = torch.meshgrid(torch.arange(SIDE), torch.arange(SIDE), indexing="ij")
    return torch.stack([r.reshape(-1), c.reshape(-1)], 1).float() + 0.5  # (784, 2)


def _random_convex(
    n: int, p: float, min_pixels: int, generator: torch.Generator, cap: int
) -> Tensor:
    """``n`` candidate convex sets (n, 784): intersections of k ~ Geometric(p) half-planes with
    a uniform point of the image on their edge and a uniform orientation, redrawn until they
    hold at least ``min_pixels`` pixels. ``cap`` bounds k (the tail beyond it is negligible).

    Half-planes are applied one at a time; a candidate that has already fallen below
    ``min_pixels`` is redrawn at once (intersecting more half-planes only shrinks it).
    """
    q = _pixel_centres()
    out = torch.empty(n, D, dtype=torch.bool)
    filled = 0
    while filled < n:
        m = max(256, 2 * (n - filled))
        k = _geometric(p, (m,), generator).clamp_max(cap)
        sets = torch.ones(m, D, dtype=torch.bool)
        alive = torch.arange(m)
        for j in range(int(k.max())):
            live = alive[k[alive] > j]
            if len(live) == 0:
                break
            point = torch.rand(len(live), 2, generator=generator) * SIDE
            angle = torch.rand(len(live), generator=generator) * 2 * math.pi
            normal = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
            side = ((q[None] - point[:, None]) * normal[:, None]).sum(-1) >= 0
            sets[live] &= side
            dead = live[sets[live].sum(1) < min_pixels]
            if len(dead):
                keep = torch.ones(m, dtype=torch.bool)
                keep[dead] = False
                alive = alive[keep[alive]]
        take = alive[: n - filled]
        out[filled : filled + len(take)] = sets[take]
        filled += len(take)
    return out


def is_lattice_convex(masks: Tensor) -> Tensor:
    """Whether each set of pixels ``(n, 784)`` (bool) is convex on the pixel grid: every pixel
    centre inside the convex hull of the set's pixel centres belongs to the set.

    The hull comes from Qhull (``scipy.spatial.ConvexHull``); sets whose pixels lie on one line
    are checked along that line. An empty set counts as convex.
    """
    from scipy.spatial import ConvexHull, QhullError

    masks = masks.reshape(len(masks), D).bool().cpu().numpy()
    q = _pixel_centres().numpy().astype(np.float64)
    result = np.ones(len(masks), dtype=bool)
    for i, mask in enumerate(masks):
        pts = q[mask]
        if len(pts) < 2:
            continue
        lo, hi = pts.min(0), pts.max(0)
        in_box = np.all((q >= lo - 1e-9) & (q <= hi + 1e-9), axis=1)
        try:
            eq = ConvexHull(pts).equations  # rows (normal, offset): inside when <= 0
            inside = in_box & np.all(q @ eq[:, :2].T + eq[:, 2] <= 1e-9, axis=1)
        except QhullError:  # all on one line: inside = on that line, within the box
            direction = pts[-1] - pts[0]
            rel = q - pts[0]
            inside = in_box & (np.abs(rel[:, 0] * direction[1] - rel[:, 1] * direction[0]) < 1e-9)
        result[i] = not np.any(inside & ~mask)
    return torch.from_numpy(result)


def _area_matched_convex(
    n: int, target_areas: Tensor, generator: torch.Generator, bin_width: int = 16
) -> Tensor:
    """``n`` convex sets whose number of pixels follows the distribution of ``target_areas``.

    Candidates of :func:`_random_convex` (with the published parameters) are accepted with a
    probability proportional to the ratio of the target histogram of areas to the candidates'
    histogram (rejection sampling), estimated from a pilot batch.
    """
    bins = D // bin_width + 1
    target = torch.bincount(target_areas // bin_width, minlength=bins).double() + 0.5
    pilot = _random_convex(max(2000, 4 * n), 0.195, 19, generator, cap=60).sum(1)
    proposal = torch.bincount(pilot // bin_width, minlength=bins).double() + 0.5
    ratio = (target / target.sum()) / (proposal / proposal.sum())
    accept = ratio / ratio.max()
    out: list[Tensor] = []
    found = 0
    while found < n:
        cand = _random_convex(max(256, 3 * (n - found)), 0.195, 19, generator, cap=60)
        u = torch.rand(len(cand), generator=generator)
        keep = cand[u < accept[cand.sum(1) // bin_width]]
        out.append(keep)
        found += len(keep)
    return torch.cat(out)[:n]


def convex_sets(n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """``n`` images of a white region on black; label 1 when the region is convex, 0 when not.

    Classes are exactly balanced. Non-convex examples are unions of 2 to 4 random convex sets,
    kept only when :func:`is_lattice_convex` says they are not convex. The convex examples are
    then drawn so that their white area has the same distribution as the non-convex ones (the
    published data balance the mean area of the two classes), so the area gives the label away
    no more than chance.
    """
    n_convex = (n + 1) // 2
    n_other = n - n_convex
    others: list[Tensor] = []
    found = 0
    while found < n_other:
        m = max(64, int(1.3 * (n_other - found)))
        count = torch.randint(2, 5, (m,), generator=generator)
        parts = _random_convex(4 * m, 0.07, 10, generator, cap=150).view(m, 4, D)
        used = torch.arange(4)[None, :, None] < count[:, None, None]
        union = (parts & used).any(1)
        keep = union[~is_lattice_convex(union)]
        others.append(keep)
        found += len(keep)
    non_convex = torch.cat(others)[:n_other]
    convex = _area_matched_convex(n_convex, non_convex.sum(1), generator)
    images = torch.cat([convex, non_convex]).float()
    labels = torch.cat([torch.ones(n_convex), torch.zeros(n_other)]).long()
    order = torch.randperm(n, generator=generator)
    return images[order], labels[order]


# --------------------------------------------------------------------------- the tasks


def generate_split(
    task: str, split: str, n: int, *, seed: int = 0, root: Path | str | None = None
) -> LabelledImages:
    """``n`` generated examples of one split (``train``, ``valid`` or ``test``) of ``task``.

    Every split has its own random stream, derived from ``seed``, the task and the split, so a
    split does not change when the size of another one does. ``root`` is the MNIST folder.
    """
    _check_task(task)
    if split not in ("train", "valid", "test"):
        raise ValueError(f"split must be one of train, valid, test; got {split!r}")
    if n > getattr(PAPER_SIZES[task], f"n_{split}"):
        raise ValueError(
            f"n must be at most {getattr(PAPER_SIZES[task], f'n_{split}')} for the {split} "
            f"split of {task}; got {n}"
        )
    g = _generator(seed, task, split)
    if task in MNIST_TASKS:
        x, y = _digits(split, n, seed, root)
        if task in ("rot", "rot-bg-img"):
            angles = torch.rand(n, generator=g) * 2 * math.pi
            x = rotate(x, angles, SHAPE).clamp(0, 1)
        if task == "bg-rand":
            x = torch.maximum(x, torch.rand(n, D, generator=g))
        elif task in ("bg-img", "rot-bg-img"):
            x = torch.maximum(x, image_patches(n, g))
    elif task == "rect":
        x, y = rectangles(n, g)
    elif task == "rect-img":
        x, y = rectangles_image(n, g)
    else:
        x, y = convex_sets(n, g)
    return LabelledImages(x.contiguous(), y, SHAPE)


def load_task(
    task: str,
    *,
    sizes: SplitSizes | None = None,
    seed: int = 0,
    root: Path | str | None = None,
    mnist_root: Path | str | None = None,
    official: bool = True,
) -> Splits:
    """One benchmark task as :class:`~aebook.data.mnist.Splits` (x in [0, 1], shape ``(n, 784)``).

    ``sizes`` (at most :data:`PAPER_SIZES`, the default) sets the number of examples per split.
    With ``official=True`` and both ``.amat`` files of the task in ``root`` (default
    ``$AEBOOK_DATA/larochelle2007``) the published data are read; otherwise the task is
    generated (see :func:`generate_split`, :data:`GENERATED_DIFFERENCES`). ``mnist_root`` is the
    MNIST folder the generated digit tasks are built from.
    """
    _check_task(task)
    sizes = sizes or PAPER_SIZES[task]
    if not isinstance(sizes, SplitSizes):
        raise TypeError(f"sizes must be a SplitSizes (or None); got {sizes!r}")
    check_count("seed", seed, minimum=0)
    if not official:
        _check_sizes(task, sizes)
    else:
        folder = Path(root) if root is not None else data_dir() / "larochelle2007"
        found = _official(task, sizes, folder)
        if found is not None:
            return found
        _check_sizes(task, sizes)
    provenance = {
        "kind": "generated",
        "dataset": f"larochelle2007/{task}",
        "recipe": "aebook.data.larochelle.generate_split",
        "seed": seed,
        "differences": GENERATED_DIFFERENCES[task],
    }
    return Splits(
        *(
            generate_split(task, split, n, seed=seed, root=mnist_root)
            for split, n in zip(
                ("train", "valid", "test"),
                (sizes.n_train, sizes.n_valid, sizes.n_test),
                strict=True,
            )
        ),
        provenance=provenance,
    )


def is_official(task: str, root: Path | str | None = None) -> bool:
    """Whether both official ``.amat`` files of ``task`` are present (then they are used)."""
    _check_task(task)
    folder = Path(root) if root is not None else data_dir() / "larochelle2007"
    return all((folder / n).is_file() for n in OFFICIAL_FILES[task])


def _check_sizes(task: str, sizes: SplitSizes) -> None:
    """Refuse, before generating anything, sizes larger than the published splits."""
    paper = PAPER_SIZES[task]
    if any(getattr(sizes, f) > getattr(paper, f) for f in ("n_train", "n_valid", "n_test")):
        raise ValueError(f"sizes must be at most {paper} for {task}; got {sizes}")


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
