"""How faithfully a low-dimensional embedding keeps the neighbourhoods of the data.

Trustworthiness (Venna & Kaski 2001) penalises points that are among the ``k`` nearest neighbours
of a point in the embedding but not in the original space (false neighbours), weighted by how far
down the original ranking they are. It is 1 when every embedded neighbourhood is a true one. We use
scikit-learn's implementation, ``sklearn.manifold.trustworthiness``.

Continuity is the same measure with the roles of the two spaces exchanged: it penalises true
neighbours that the embedding tears apart. A projection that squashes the data flat scores well on
continuity and badly on trustworthiness; one that tears the data scores the other way round.
"""

from __future__ import annotations

import numpy as np
from sklearn.manifold import trustworthiness as _sk_trustworthiness
from torch import Tensor


def _matrix(values, name: str) -> np.ndarray:
    arr = values.detach().cpu().numpy() if isinstance(values, Tensor) else np.asarray(values)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a matrix (n, dims); got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; found NaN or infinity")
    return arr.astype(np.float64)


def _checked(x, embedding, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = _matrix(x, "x"), _matrix(embedding, "embedding")
    if len(a) != len(b):
        raise ValueError(f"x has {len(a)} rows but embedding has {len(b)}")
    if not 1 <= n_neighbors < len(a) / 2:
        raise ValueError(
            f"n_neighbors must be in 1..{int(np.ceil(len(a) / 2)) - 1} for {len(a)} points; "
            f"got {n_neighbors}"
        )
    return a, b


def trustworthiness(x, embedding, n_neighbors: int = 10) -> float:
    """Trustworthiness in [0, 1] of ``embedding`` ``(n, q)`` as a picture of ``x`` ``(n, d)``."""
    a, b = _checked(x, embedding, n_neighbors)
    return float(_sk_trustworthiness(a, b, n_neighbors=n_neighbors))


def continuity(x, embedding, n_neighbors: int = 10) -> float:
    """Continuity in [0, 1]: trustworthiness with the original and embedded spaces exchanged."""
    a, b = _checked(x, embedding, n_neighbors)
    return float(_sk_trustworthiness(b, a, n_neighbors=n_neighbors))
