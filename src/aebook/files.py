"""Files written whole: a temporary file beside the destination, renamed over it once complete.

Records, downloads and extracted datasets all go through :func:`temporary_beside`, so each gets
the permissions an ordinary ``open`` would give it. ``tempfile.mkstemp`` makes its files private
(0600), and a rename keeps that: a dataset or record written by one user of a shared machine or
cache would otherwise be unreadable to the others.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    """The process's umask: reading it means setting it, so it is set back at once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temporary_beside(dest: Path, suffix: str) -> tuple[int, Path]:
    """A new file of this call's own in ``dest``'s folder (hidden, named after ``dest``, ending in
    ``suffix``), open for writing as a descriptor, with the permissions ``open`` would give
    ``dest``. The caller renames it over ``dest`` once whole, or deletes it."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=dest.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
    except BaseException:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    return fd, Path(name)
