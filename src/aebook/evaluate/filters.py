"""Numbers that describe learned filters (rows of a first-layer weight matrix seen as images).

:func:`correlation_area` measures the spatial extent of a filter's structure: the area, in
pixels, of the set of shifts by which the filter can be moved and still look like itself (its
autocorrelation stays above one half). A filter of independent noise scores 1 (only the zero
shift); a local blob a few pixels; a stroke, which can slide along its own length, more; a large
part of a digit more still. Vincent et al. (2008) describe their first-layer filters as going from
blob detectors to stroke detectors to larger digit parts as the corruption grows; this is a
number for that description.
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage
import torch
from torch import Tensor


def autocorrelation(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised autocorrelation of each centred image ``(n, h, w)`` at every shift.

    Returns ``(auto, valid)``: ``auto`` has shape ``(n, 2h, 2w)`` with the zero shift at index
    ``(h, w)`` and value 1 there; the value at a shift is the mean product of the overlapping
    pixels (so large shifts are not penalised for overlapping less), divided by the mean square.
    ``valid`` ``(2h, 2w)`` marks the shifts at which at least half of the image overlaps.
    """
    n, h, w = images.shape
    centred = images - images.mean(axis=(1, 2), keepdims=True)
    size = (2 * h, 2 * w)  # zero padding: no wrap-around
    auto = np.fft.irfft2(np.abs(np.fft.rfft2(centred, s=size)) ** 2, s=size)
    ones = np.zeros(size)
    ones[:h, :w] = 1
    overlap = np.fft.irfft2(np.abs(np.fft.rfft2(ones)) ** 2, s=size)
    auto = np.fft.fftshift(auto, axes=(1, 2))
    overlap = np.fft.fftshift(overlap)
    valid = overlap > 0.5 * h * w
    auto = np.where(valid, auto / np.maximum(overlap, 0.5), 0.0)
    zero = auto[:, h : h + 1, w : w + 1]
    auto = np.divide(auto, zero, out=np.zeros_like(auto), where=zero > 1e-12)
    return auto, valid


def correlation_area(
    filters: Tensor | np.ndarray,
    image_shape: tuple[int, int],
    level: float = 0.5,
    pixel_weights: Tensor | np.ndarray | None = None,
) -> Tensor:
    """Per filter: the number of shifts (in pixels²) at which its autocorrelation is >= ``level``.

    ``filters`` is ``(n, h*w)`` (e.g. the weight matrix of a first layer) or ``(n, h, w)``. Only
    the connected region of such shifts around the zero shift counts, so a repeating pattern is
    not credited for its far echoes. Invariant to the filter's scale, sign and mean. White noise
    gives 1; a Gaussian blob of standard deviation s gives about 4π ln 2 s² ≈ 8.7 s² (the disc
    inside which its autocorrelation, a Gaussian of standard deviation s√2, exceeds one half); a
    constant filter gives 0.

    ``pixel_weights`` ``(h*w,)`` multiplies every filter first. With the data's standard deviation
    per pixel, it measures the *effective* filter: a weight on a pixel that never varies (the
    border of MNIST) does not change the unit's response to any input, so it should not count.
    Weighting white noise by a smooth envelope keeps its area at about 1.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    arr = filters.detach().cpu().numpy() if isinstance(filters, Tensor) else np.asarray(filters)
    h, w = image_shape
    if arr.ndim == 2:
        if arr.shape[1] != h * w:
            raise ValueError(
                f"filters have {arr.shape[1]} columns but image_shape is {image_shape}"
            )
        arr = arr.reshape(len(arr), h, w)
    if arr.ndim != 3 or arr.shape[1:] != (h, w):
        raise ValueError(f"filters must be (n, {h * w}) or (n, {h}, {w}); got {arr.shape}")
    if pixel_weights is not None:
        pw = pixel_weights
        pw = pw.detach().cpu().numpy() if isinstance(pw, Tensor) else np.asarray(pw)
        if pw.size != h * w:
            raise ValueError(f"pixel_weights must hold {h * w} values; got {pw.size}")
        arr = arr * pw.reshape(1, h, w)
    auto, _ = autocorrelation(arr.astype(np.float64))
    areas = np.zeros(len(arr))
    for i, a in enumerate(auto):
        if a[h, w] == 0:
            continue
        regions, _ = scipy.ndimage.label(a >= level)
        areas[i] = np.count_nonzero(regions == regions[h, w])
    return torch.from_numpy(areas)
