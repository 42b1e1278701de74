"""Shared fixtures: the seed articles and a store built from them once per session."""
from __future__ import annotations

import errno
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> Path:
    """A store built from the five seeds (read-only use: copy it before writing)."""
    from kg.build import build

    path = tmp_path_factory.mktemp("seedstore") / "kg.oxigraph"
    build([SEEDS], path)
    return path


@pytest.fixture
def writable_seed_store(seed_store, tmp_path) -> Path:
    dst = tmp_path / "kg.oxigraph"
    shutil.copytree(seed_store, dst)
    view = seed_store.with_name(seed_store.name + ".view")
    if view.is_dir():
        shutil.copytree(view, dst.with_name(dst.name + ".view"), symlinks=True)
    return dst


@pytest.fixture
def full_temp_folder(monkeypatch):
    """``fill(prefix="")``: from then on, writing to a temporary file whose name starts with ``prefix``
    (``tempfile.TemporaryFile(prefix=...)``; every one by default) fails as on a full disk."""
    real = tempfile.TemporaryFile

    class Full:
        def __init__(self, *a, **k):
            self.inner = real(*a, **k)

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.inner, name)

    def fill(prefix: str = "") -> None:
        monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: (
            Full(*a, **k) if str(k.get("prefix", "tmp")).startswith(prefix) else real(*a, **k)))
    return fill
