"""The error tree: every error a user can cause is a :class:`GhatnaError` with a one-line message."""
from __future__ import annotations

__all__ = ["GhatnaError", "ArticleError", "StoreError", "StoreLockedError", "GazetteerError"]


class GhatnaError(Exception):
    """Base class: the message is one line that names the offending file or value."""


class ArticleError(GhatnaError):
    """An article file cannot be read (missing, not UTF-8, empty, not text)."""


class StoreError(GhatnaError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store for writing."""


class GazetteerError(GhatnaError):
    """The gazetteer or language data in ``ontology/`` is malformed."""
