"""How long the book trains: one profile, chosen by ``AEBOOK_PROFILE``, sets every chapter's budget.

=========  ===========================  ===================================================
profile    where                        what the numbers mean
=========  ===========================  ===================================================
smoke      CI on a 2-core CPU           the code paths run; loose sanity assertions
standard   a laptop or Colab (default)  figures look like the paper's; numbers near them
paper      one GPU                      the paper's own settings; numbers go to results/
=========  ===========================  ===================================================

A page keeps its settings in a frozen dataclass (a subclass of :class:`ChapterSettings`) with one
instance per profile, in its own module ``aebook.experiments.<page>``. The notebook makes one
call, ``cfg = aebook.experiments.settings("<page>")``, and displaying ``cfg`` shows the reader a
table.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

ENV_VAR = "AEBOOK_PROFILE"
PROFILES = ("smoke", "standard", "paper")
DEFAULT_PROFILE = "standard"

DESCRIPTIONS = {
    "smoke": "CI on a 2-core CPU: the code paths run, with loose sanity checks",
    "standard": "a laptop or Colab: figures like the paper's, numbers near them",
    "paper": "one GPU: the paper's own settings, numbers comparable to the paper's",
}


def active_profile(name: str | None = None) -> str:
    """The profile in force: ``name`` if given, else ``$AEBOOK_PROFILE``, else ``standard``."""
    chosen = name if name is not None else os.environ.get(ENV_VAR) or DEFAULT_PROFILE
    chosen = chosen.strip().lower()
    if chosen not in PROFILES:
        raise ValueError(
            f"{ENV_VAR} (profile) must be one of {', '.join(PROFILES)}; got {chosen!r}"
        )
    return chosen


@dataclass(frozen=True, kw_only=True)
class ChapterSettings:
    """Base of every chapter's settings; subclasses are ``@dataclass(frozen=True, kw_only=True)``."""

    profile: str = ""

    def _repr_markdown_(self) -> str:
        rows = [
            f"| `{f.name}` | {_compact(getattr(self, f.name))} |"
            for f in dataclasses.fields(self)
            if f.name != "profile"
        ]
        head = f"**Profile `{self.profile}`** ({DESCRIPTIONS.get(self.profile, 'custom')})"
        return "\n".join([head, "", "| setting | value |", "|---|---|", *rows])


def _compact(value) -> str:
    """A table cell for a setting; nested configs list only what differs from their defaults."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = [
            f"{f.name}={getattr(value, f.name)!r}"
            for f in dataclasses.fields(value)
            if f.default is dataclasses.MISSING or getattr(value, f.name) != f.default
        ]
        return f"`{type(value).__name__}({', '.join(changed)})`"
    return f"`{value!r}`"


S = TypeVar("S", bound=ChapterSettings)


def select(table: Mapping[str, S], profile: str | None = None) -> S:
    """Pick the entry of ``table`` for the active profile, stamped with the profile's name."""
    name = active_profile(profile)
    missing = [p for p in PROFILES if p not in table]
    if missing:
        raise ValueError(f"the settings table lacks the profile(s) {missing}")
    return dataclasses.replace(table[name], profile=name)
