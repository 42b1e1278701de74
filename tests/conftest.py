"""Shared fixtures: the seed articles and a store built from them once per session."""
from __future__ import annotations

import shutil
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
