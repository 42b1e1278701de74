"""Locate the resource folders (`ontology/`, `queries/`) in a checkout or an installed wheel."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["ontology_dir", "queries_dir", "lang_dir"]


@lru_cache(maxsize=None)
def _resource(name: str) -> Path:
    # Installed wheel: hatch force-includes the folders as kg/_data/<name>.
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    # Checkout (editable install or tests): the folder sits at the repository's top.
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"resource folder {name!r} not found next to {Path(__file__).parent}")


def ontology_dir() -> Path:
    """The folder with ghatna.ttl, shapes.ttl and entities.ttl."""
    return _resource("ontology")


def lang_dir() -> Path:
    """The folder with the language data the extractors read."""
    return ontology_dir() / "lang"


def queries_dir() -> Path:
    """The folder with the stored ``.rq`` queries."""
    return _resource("queries")
