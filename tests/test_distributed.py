"""kg.distributed: extraction on a dask.distributed cluster writes exactly the store a local build writes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')")

import kg.build  # noqa: E402
from kg.article import find_article_paths, find_articles  # noqa: E402
from kg.build import BuildReport, _extract_job, _read_jobs, build  # noqa: E402
from kg.distributed import code_fingerprint, extract_on_cluster  # noqa: E402
from kg.store import open_store  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "articles"
COPIES = 2  # the test articles under 2 more names each: 5 seeds + 3 × 18 articles = 59


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir) -> Path:
    """The seeds and a small generated corpus: the test articles copied under a few names."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(seeds_dir, root / "seeds")
    shutil.copytree(DATA, root / "articles")
    for i in range(COPIES):
        d = root / f"copy{i}"
        d.mkdir()
        for f in sorted(DATA.glob("*.txt")):
            shutil.copy(f, d / f"c{i}_{f.name}")
    return root


def _nquads(store_path: Path) -> list[str]:
    gs = open_store(store_path, read_only=True)
    try:
        return sorted(str(q) for q in gs.quads(include_build=True))
    finally:
        gs.close()


class _ClusterPool:
    """Stands in for ProcessPoolExecutor inside kg.build.build: the same jobs, run on the cluster.

    (This is what the ``--cluster`` hook does inside build(); patching it here runs the real build().)
    """

    calls: list[int] = []

    def __init__(self, max_workers=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @staticmethod
    def streamed(pool, fn, jobs, chunksize, window):
        """Stands in for kg.build._streamed, which hands the jobs to the pool."""
        assert isinstance(pool, _ClusterPool) and fn is _extract_job
        count = [0]

        def counted():
            for job in jobs:
                count[0] += 1
                yield job

        yield from extract_on_cluster(counted(), "local")
        _ClusterPool.calls.append(count[0])


def test_cluster_build_equals_local_build(corpus, tmp_path, monkeypatch):
    n_files = len(find_articles([corpus]))
    assert n_files >= 8  # build() hands the jobs to the pool only from 8 files up

    local = build([corpus], tmp_path / "local.oxigraph", workers=1)
    assert not local.skipped and local.extracted == n_files

    monkeypatch.setattr(kg.build, "ProcessPoolExecutor", _ClusterPool)
    monkeypatch.setattr(kg.build, "_streamed", _ClusterPool.streamed)
    _ClusterPool.calls.clear()
    remote = build([corpus], tmp_path / "cluster.oxigraph", workers=2)
    assert _ClusterPool.calls == [n_files]  # every article went through the cluster
    assert not remote.skipped and remote.extracted == n_files
    assert remote.events == local.events and remote.triples == local.triples

    a, b = _nquads(tmp_path / "local.oxigraph"), _nquads(tmp_path / "cluster.oxigraph")
    assert len(a) > 1000
    assert a == b


def test_results_in_submission_order_with_small_window(corpus, tmp_path):
    """A window of 3 jobs in flight: results still come back in the order of the jobs, identical to a
    local run, and an unreadable article comes back as an error, not an exception."""
    files = find_article_paths([corpus / "seeds", corpus / "articles"])
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xff\xfe\x00 not utf-8 \x00")
    files.append(str(bad))
    jobs = list(_read_jobs(files, None, 10_000_000, BuildReport(), {}))
    expected = [_extract_job(j) for j in jobs]
    got = list(extract_on_cluster(iter(jobs), "local", window=3))
    assert [r[0] for r in got] == [j[3] for j in jobs]
    assert got == expected
    assert got[-1][1] is None and got[-1][2]


def test_fingerprint_is_stable():
    assert code_fingerprint() == code_fingerprint() and len(code_fingerprint()) == 64
