"""Where datasets live on disk, and how a missing or damaged file is (re)fetched.

Every dataset is a folder under :func:`data_dir` holding files with a known SHA-256. A file is
used only after its checksum matches. A file that does not match is reported, moved aside (never
deleted, never read) and downloaded again from the first mirror that serves a file with the right
checksum. Downloads go to a ``.part`` file that is renamed only once verified, so an interrupted
download never leaves a half file under the real name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "AEBOOK_DATA"
_CHUNK = 1 << 20


class DataUnavailableError(RuntimeError):
    """A dataset file is missing or damaged and no mirror could supply a good copy."""


class CorruptDataError(ValueError):
    """A file passed its checksum test (or has none) but its content is not what the reader expects."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: its name in the dataset folder, its SHA-256, and its mirrors.

    ``urls`` are tried in order; each is the full URL of this file.
    """

    name: str
    sha256: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class DatasetSource:
    """A dataset folder (relative to :func:`data_dir`) and the files it must hold."""

    folder: str
    files: tuple[RemoteFile, ...]
    homepage: str = ""

    def file(self, name: str) -> RemoteFile:
        for f in self.files:
            if f.name == name:
                return f
        raise ValueError(f"name must be one of {[f.name for f in self.files]}, got {name!r}")


def data_dir() -> Path:
    """The root folder of all datasets: ``$AEBOOK_DATA``, else ``$XDG_CACHE_HOME/aebook`` (~/.cache)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "aebook"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quarantine(path: Path, reason: str) -> None:
    """Move a damaged file out of the way so it is never read, and say so."""
    bad = path.with_name(path.name + ".corrupt")
    message = f"{path} {reason}; it will not be used."
    try:
        os.replace(path, bad)
        message += f" Moved to {bad.name} and fetching a fresh copy."
    except OSError:
        message += " (The folder is read-only, so it stays where it is.)"
    warnings.warn(message, stacklevel=3)


def _download_verified(url: str, dest: Path, sha256: str, timeout: float) -> None:
    """Download ``url`` to ``dest`` through a ``.part`` file that is renamed only once verified."""
    part = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            shutil.copyfileobj(response, out, _CHUNK)
        if sha256_of(part) != sha256:
            raise ValueError("the downloaded file does not match its SHA-256 checksum")
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def fetch(
    source: DatasetSource,
    names: Sequence[str] | None = None,
    *,
    root: Path | str | None = None,
    download: bool = True,
    timeout: float = 60.0,
) -> dict[str, Path]:
    """Return verified local paths of ``source``'s files, downloading what is missing or bad.

    Raises :class:`DataUnavailableError` naming the folder, the files and the URLs when a file
    cannot be obtained (offline, every mirror down, or ``download=False``).
    """
    folder = Path(root) if root is not None else data_dir() / source.folder
    wanted = [source.file(n) for n in names] if names is not None else list(source.files)
    paths: dict[str, Path] = {}
    failures: dict[str, list[str]] = {}
    for remote in wanted:
        path = folder / remote.name
        if path.exists():
            if sha256_of(path) == remote.sha256:
                paths[remote.name] = path
                continue
            _quarantine(path, "does not match its SHA-256 checksum (truncated or corrupt)")
            if path.exists():  # read-only folder: cannot replace it here
                failures[remote.name] = ["checksum mismatch in a read-only folder"]
                continue
        if not download:
            failures[remote.name] = ["missing (download=False)"]
            continue
        errors = []
        folder.mkdir(parents=True, exist_ok=True)
        for url in remote.urls:
            try:
                _download_verified(url, path, remote.sha256, timeout)
                break
            except (urllib.error.URLError, OSError, ValueError) as exc:
                errors.append(f"{url}: {exc}")
                warnings.warn(f"Mirror failed for {remote.name}: {url}: {exc}", stacklevel=2)
        else:
            failures[remote.name] = errors
            continue
        paths[remote.name] = path
    if failures:
        raise DataUnavailableError(_explain(source, folder, failures))
    return paths


def _explain(source: DatasetSource, folder: Path, failures: dict[str, list[str]]) -> str:
    lines = [
        f"Could not obtain {len(failures)} file(s) of the {source.folder!r} dataset.",
        f"Folder: {folder}  (set ${ENV_VAR} to use another data folder)",
        "Files:",
    ]
    for name, errors in failures.items():
        remote = source.file(name)
        lines.append(f"  {name}  (sha256 {remote.sha256})")
        lines += [f"    mirror: {url}" for url in remote.urls]
        lines += [f"    tried:  {err}" for err in errors]
    lines.append(
        "To work offline, download these files on a connected machine and copy them into the "
        "folder above; they are used once their checksums match."
    )
    if source.homepage:
        lines.append(f"About the dataset: {source.homepage}")
    return "\n".join(lines)
