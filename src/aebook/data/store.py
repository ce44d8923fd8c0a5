"""Where datasets live on disk, and how a missing or damaged file is (re)fetched.

Every dataset is a folder under :func:`data_dir` holding files with a known SHA-256. A file is
used only after its checksum matches. A file that does not match is reported, moved aside (never
deleted, never read, never overwriting an earlier one) and downloaded again from the first mirror
that serves a file with the right checksum. Each download goes to a temporary file of its own
(processes sharing a folder do not collide) that is renamed only once verified, so an interrupted
download never leaves a half file under the real name; a download has an overall deadline and a
size limit, so a mirror that trickles bytes or serves something huge cannot hang the loader.
"""

from __future__ import annotations

import hashlib
import os
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aebook.checks import check_count, check_number
from aebook.files import temporary_beside

ENV_VAR = "AEBOOK_DATA"
_CHUNK = 1 << 20
#: Largest file a download may bring (bytes): every dataset of the book is far smaller.
MAX_BYTES = 1 << 28
#: Seconds one file's download may take in all, whatever the mirror's pace.
DEADLINE = 600.0


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
    """The root folder of all datasets: ``$AEBOOK_DATA``, else ``$XDG_CACHE_HOME/aebook`` (~/.cache).

    ``$AEBOOK_DATA`` must be an absolute path: Jupyter and nbval run each notebook in its own
    folder, so a relative one would name a different folder on every page.
    """
    value = os.environ.get(ENV_VAR)
    if value:
        folder = Path(value).expanduser()
        if not folder.is_absolute():
            raise ValueError(
                f"${ENV_VAR} must be an absolute path; got {value!r}, which each notebook would "
                f"read from its own folder. Set it to the full path, for example "
                f"{ENV_VAR}={Path(value).resolve()}"
            )
        if folder.exists() and not folder.is_dir():
            raise ValueError(
                f"${ENV_VAR} must name a folder; {folder} is a file. Point ${ENV_VAR} at the "
                f"folder that holds (or will hold) the datasets."
            )
        return folder
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "aebook"


def built_by_caller() -> dict:
    """The provenance of a dataset object made in memory by its caller, not by a loader."""
    return {"kind": "in memory", "note": "built by the caller, not read by an aebook loader"}


def file_provenance(dataset: str, paths: dict[str, Path], source: DatasetSource | None) -> dict:
    """Which copy of a dataset was read: its files' names and SHA-256, for a record to carry.

    The checksums come from ``source`` (the files were verified against them) or, for files
    without a published checksum (``source=None``), are computed here.
    """
    digests = {
        name: source.file(name).sha256 if source is not None else sha256_of(path)
        for name, path in sorted(paths.items())
    }
    return {"kind": "official", "dataset": dataset, "files": digests}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _free_name(path: Path) -> Path:
    """Reserve a quarantine name beside ``path`` that no earlier quarantined file holds.

    The name is claimed by creating it exclusively, so two processes never pick the same one and
    an earlier ``.corrupt`` file (perhaps a reader's only copy of something) is never replaced.
    """
    for n in range(1, 10_000):
        bad = path.with_name(path.name + (".corrupt" if n == 1 else f".corrupt.{n}"))
        try:
            os.close(os.open(bad, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return bad
        except FileExistsError:
            continue
    raise OSError(f"{path.parent} already holds 9,999 quarantined copies of {path.name}")


def _quarantine(path: Path, reason: str) -> None:
    """Move a damaged file out of the way so it is never read, and say so."""
    message = f"{path} {reason}; it will not be used."
    try:
        bad = _free_name(path)
    except OSError:
        message += " (The folder is read-only, so it stays where it is.)"
    else:
        try:
            os.replace(path, bad)
            message += f" Moved to {bad.name} and fetching a fresh copy."
        except FileNotFoundError:  # another process set it aside first
            bad.unlink()
            message += " Another process has already moved it aside."
    warnings.warn(message, stacklevel=3)


def _download_verified(
    url: str, dest: Path, sha256: str, timeout: float, deadline: float, max_bytes: int
) -> None:
    """Download ``url`` to ``dest`` through a temporary file of this process, renamed once verified.

    Gives up when the whole download takes longer than ``deadline`` seconds (checked after each
    read, each of which waits at most ``timeout``) or brings more than ``max_bytes``.
    """
    give_up = time.monotonic() + deadline
    handle, part = temporary_beside(dest, ".part")
    try:
        with open(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            if announced and announced.isdigit() and int(announced) > max_bytes:
                raise ValueError(
                    f"the mirror announces {announced} bytes; the limit is {max_bytes}"
                )
            size = 0
            while chunk := response.read1(_CHUNK):  # what has arrived, not a full chunk
                size += len(chunk)
                if size > max_bytes:
                    raise ValueError(f"the download passed the limit of {max_bytes} bytes")
                if time.monotonic() > give_up:
                    raise TimeoutError(f"the download took longer than {deadline:g} s")
                out.write(chunk)
        if sha256_of(part) != sha256:
            raise ValueError("the downloaded file does not match its SHA-256 checksum")
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def _make_folder(folder: Path) -> None:
    """Create the dataset folder, or say which folder could not be made and what to do."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataUnavailableError(
            f"Could not create the data folder {folder} ({exc}). Set ${ENV_VAR} to a folder you "
            f"can write to, or copy the dataset files into {folder} by hand."
        ) from exc


def fetch(
    source: DatasetSource,
    names: Sequence[str] | None = None,
    *,
    root: Path | str | None = None,
    download: bool = True,
    timeout: float = 60.0,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_BYTES,
) -> dict[str, Path]:
    """Return verified local paths of ``source``'s files, downloading what is missing or bad.

    ``timeout`` bounds each network read, ``deadline`` each file's whole download (seconds) and
    ``max_bytes`` its size. Raises :class:`DataUnavailableError` naming the folder, the files and
    the URLs when a file cannot be obtained (offline, every mirror down, or ``download=False``).
    """
    if isinstance(names, (str, bytes)):
        raise TypeError(f"names must be a list of file names, not one string; got {names!r}")
    check_number("timeout", timeout, low=0, low_open=True)
    check_number("deadline", deadline, low=0, low_open=True)
    check_count("max_bytes", max_bytes)
    folder = Path(root) if root is not None else data_dir() / source.folder
    if folder.exists() and not folder.is_dir():
        raise DataUnavailableError(
            f"The data folder {folder} is a file. Move it away, or set ${ENV_VAR} (or root) to "
            f"a folder."
        )
    wanted = [source.file(n) for n in names] if names is not None else list(source.files)
    paths: dict[str, Path] = {}
    failures: dict[str, list[str]] = {}
    for remote in wanted:
        path = folder / remote.name
        if path.is_dir():
            failures[remote.name] = [f"{path} is a folder, not a file: move it away"]
            continue
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
        _make_folder(folder)
        for url in remote.urls:
            try:
                _download_verified(url, path, remote.sha256, timeout, deadline, max_bytes)
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
