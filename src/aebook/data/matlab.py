"""Reading one variable of a MATLAB ``.mat`` file with scipy, with a clear error when it is not there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.io

from aebook.data.store import CorruptDataError


def load_mat_variable(path: Path | str, name: str) -> np.ndarray:
    """The array ``name`` of the MATLAB file ``path``.

    Raises :class:`~aebook.data.store.CorruptDataError` when the file cannot be parsed (truncated,
    not a MATLAB file)
    or has no such variable, naming the variables it does hold.
    """
    path = Path(path)
    try:
        content = scipy.io.loadmat(path)
    except (ValueError, TypeError, OSError, EOFError, IndexError) as exc:
        raise CorruptDataError(f"{path} is not a readable MATLAB file ({exc})") from exc
    if name not in content:
        found = sorted(k for k in content if not k.startswith("__"))
        raise CorruptDataError(f"{path} has no variable {name!r} (it holds {found})")
    return content[name]
