"""Whether a recorded run is still the run of today's code: one rule for the website and the
scoreboard.

``scripts/reproduce.py`` keeps each executed page as ``results/<profile>/<page>.ipynb`` and stamps
it (:func:`stamp`, under :data:`METADATA_KEY`) with a digest of every package file and the list of
package files the run imported (:data:`IMPORTS_PROBE`). A record is *shown* only while the page's
code cells equal the recorded ones; it is *current* while, in addition, none of the package files
it imported has changed. The website's banners (``book/_ext/recorded_pages.py``) and the
scoreboard's (:func:`freshness`) both read this module, so they never disagree.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

#: Where a recorded notebook keeps its provenance.
METADATA_KEY = "aebook_record"

#: The command that is recording a page, set by ``scripts/reproduce.py`` for the kernels it
#: starts, so that their records name it and not the kernel's own command line.
COMMAND_VAR = "AEBOOK_COMMAND"

#: Run in the kernel after a page's last cell when it is recorded (then dropped from the record):
#: prints the package files the page imported, named as in :func:`package_digest`.
IMPORTS_PROBE = """\
import json as _json, pathlib as _pathlib, sys as _sys
_root = _pathlib.Path(_sys.modules["aebook"].__file__).parent if "aebook" in _sys.modules else None
print(_json.dumps(sorted(
    "aebook/" + _pathlib.Path(_m.__file__).relative_to(_root).as_posix()
    for _n, _m in list(_sys.modules.items())
    if _root and _n.split(".")[0] == "aebook" and getattr(_m, "__file__", None)
)))"""


def package_digest() -> dict[str, str]:
    """A short SHA-256 of each ``.py`` file of the ``aebook`` package that Python would import."""
    root = Path(importlib.util.find_spec("aebook").submodule_search_locations[0])
    return {
        f"aebook/{p.relative_to(root).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        for p in sorted(root.rglob("*.py"))
    }


def package_changes(
    recorded: Mapping[str, str], current: Mapping[str, str], imported: list[str] | None = None
) -> list[str]:
    """Package files added, removed or edited since a record was made; with ``imported`` (the
    files the recorded run imported), only those: a file the page never imported cannot have
    changed its outputs, and one it would import now is imported by a file that changed."""
    changed = (f for f in recorded.keys() | current.keys() if recorded.get(f) != current.get(f))
    return sorted(f for f in changed if imported is None or f in imported)


def code_cells(nb: Mapping) -> list[str]:
    """The sources of a notebook's code cells (an ``nbformat`` node or the plain JSON): what a
    record must match to stay valid."""
    sources = (c["source"] for c in nb["cells"] if c["cell_type"] == "code")
    return [s if isinstance(s, str) else "".join(s) for s in sources]


def stamp(nb: MutableMapping, **provenance) -> None:
    """Keep ``provenance`` (notebook, profile, commit, date, hardware, run time, imports…) in the
    executed notebook ``nb``, with the digest of the package that ran it."""
    nb["metadata"][METADATA_KEY] = {**provenance, "package": package_digest()}


def stamp_of(nb: Mapping) -> dict:
    """The provenance a recorded notebook (``nbformat`` node or plain JSON) was stamped with."""
    return nb.get("metadata", {}).get(METADATA_KEY, {})


def changes(record: Mapping, page: Mapping) -> list[str] | None:
    """What changed since the recorded notebook ``record`` ran the notebook ``page`` (both
    ``nbformat`` nodes or plain JSON): None when the page's code cells differ (the record is no
    longer this page's run), else the package files it imported that changed (empty: the record
    is current)."""
    if code_cells(record) != code_cells(page):
        return None
    made = stamp_of(record)
    return package_changes(made.get("package", {}), package_digest(), made.get("imports"))


def freshness(record) -> str:
    """A :class:`~aebook.results.records.Record`'s banner: the commit that recorded it, and what
    changed since (by :func:`changes`, from the notebook recorded beside it). A notebook older
    than the record is an earlier run's: in the kernel that is recording the page (the same
    :data:`COMMAND_VAR`) the record is "this run", elsewhere its own notebook was not kept."""
    at = f"recorded at `{record.commit[:7]}`"
    if record.path is None:
        return at
    recorded = Path(record.path).with_suffix(".ipynb")
    repo = Path(record.path).resolve().parents[2]  # <repo>/results/<profile>/<page>.json
    pages = [p for p in (repo / "book").rglob(f"{record.chapter}.ipynb") if p.is_file()]
    if not recorded.is_file() or len(pages) != 1:
        return f"{at} (cannot tell whether the code changed since)"
    nb = json.loads(recorded.read_text())
    if stamp_of(nb).get("date", "") < record.date:  # the notebook beside it is an earlier run's
        if record.command and record.command == os.environ.get(COMMAND_VAR):
            return f"{at} (this run)"  # the page is being recorded: its notebook comes at the end
        return f"{at} (its notebook was not kept: cannot tell whether the code changed since)"
    changed = changes(nb, json.loads(pages[0].read_text()))
    if changed is None:
        return f"{at}, the page's code changed since"
    if changed:
        return f"{at}, {len(changed)} package file(s) it imports changed since"
    return at
