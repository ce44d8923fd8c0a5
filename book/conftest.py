"""While nbval runs the chapters: fail if a chapter writes into the repository outside its folder.

A reader's working directory differs (Colab runs in /content), so a chapter may write only into its
own folder (its working directory under nbval and the website build) or a temporary folder. This
hook compares the repository's files before and after the session; caches and build outputs that
belong to the tools, not to the chapters, are left out.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOOL_DIRS = {
    ".git",
    ".venv",
    "_build",
    ".pytest_cache",
    "__pycache__",
    ".ruff_cache",
    ".ipynb_checkpoints",
}


def _snapshot() -> dict[str, float]:
    files = {}
    for root, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in TOOL_DIRS and not d.endswith(".egg-info")]
        for name in names:
            path = Path(root, name)
            files[str(path.relative_to(REPO))] = path.stat().st_mtime
    return files


def _allowed(rel: str) -> bool:
    parts = Path(rel).parts
    return len(parts) >= 3 and parts[0] == "book"  # inside a chapter's own folder


def pytest_sessionstart(session):
    session.config._aebook_before = _snapshot()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_aebook_before", None)
    if before is None:
        return
    after = _snapshot()
    written = sorted(
        rel for rel, mtime in after.items() if before.get(rel) != mtime and not _allowed(rel)
    )
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "chapters wrote outside their own folder: " + ", ".join(written)
        if reporter:
            reporter.write_line(message, red=True)
        session.exitstatus = 1
