"""Each chapter's settings per profile (see :mod:`aebook.profiles`) and its multi-step experiments."""
