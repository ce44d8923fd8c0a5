"""One module per page of the book, named after its notebook: ``book/*/<page>.ipynb`` reads its
settings from ``aebook.experiments.<page>`` and records its run as ``<page>``.

Each page module holds the page's settings dataclass (a subclass of
:class:`aebook.profiles.ChapterSettings`), ``SETTINGS`` with one entry per profile, and the code
only that page runs. The notebook makes one call, ``cfg = settings("<page>")``.
"""

from __future__ import annotations

import importlib
import pkgutil

from aebook.profiles import ChapterSettings, select


def pages() -> tuple[str, ...]:
    """The page names: every module of this package (found in its folder, not listed)."""
    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__)))


def settings(page: str, profile: str | None = None) -> ChapterSettings:
    """All of one page's settings for the active profile (the one call a notebook makes)."""
    if page not in pages():
        raise ValueError(f"page must be one of {', '.join(pages())}; got {page!r}")
    return select(importlib.import_module(f"{__name__}.{page}").SETTINGS, profile)


def paper_settings(page: str) -> ChapterSettings:
    """The ``paper`` profile's settings of ``page``: what the ledger compares a run's with
    (``aebook.results.ledger_table(run, paper_settings)``)."""
    return settings(page, "paper")
