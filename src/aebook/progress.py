"""Progress bars of long loops, on unless ``AEBOOK_PROGRESS=0`` (CI and the website build set it)."""

from __future__ import annotations

import os


def progress_enabled() -> bool:
    """Progress bars are on unless ``AEBOOK_PROGRESS=0`` (CI and the website build set it)."""
    return os.environ.get("AEBOOK_PROGRESS", "1") not in {"0", "false", "no", "off"}


def epoch_bar(name: str, start_epoch: int, epochs: int, progress: bool | None = None):
    """A bar over epochs ``start_epoch`` to ``epochs`` (an iterable of the epoch numbers), shown
    when ``progress`` is True, or, when it is None, when :func:`progress_enabled` says so."""
    show = progress_enabled() if progress is None else progress
    if show:  # tqdm.auto picks the notebook widget when it can; it warns when ipywidgets is absent
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm

    return tqdm(
        range(start_epoch, epochs),
        initial=start_epoch,
        total=epochs,
        desc=name,
        unit="epoch",
        disable=not show,
        leave=True,
    )
