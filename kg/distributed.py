"""Extraction on a dask.distributed cluster (``kg build --cluster ADDRESS``).

Each job is the tuple :func:`kg.build._read_jobs` yields and is processed by :func:`kg.build._extract_job`,
the very function local worker processes run, so a cluster build writes the same store as a local one.
Only extraction is distributed: identity resolution and writing stay in the calling process, which owns
the store.

* ``address="local"`` starts a :class:`distributed.LocalCluster` (two single-threaded worker processes)
  for the duration of the call; any other string is a scheduler address (``tcp://host:8786``), and a
  :class:`distributed.Client` is used as it is.
* Results stream back in submission order while at most ``window`` jobs (their raw bytes) are in flight,
  so memory stays bounded however many articles there are.
* Before any job is sent, every worker must run the same Ghatna code and language data as this process
  (a fingerprint of ``kg/**/*.py`` and :data:`kg.pipeline.EXTRACTION_VERSION`); otherwise the cluster
  could write a graph this machine would not, and :class:`kg.errors.GhatnaError` says which workers differ.

dask is optional: ``pip install 'dask[distributed]'``.
"""
from __future__ import annotations

import hashlib
from collections import deque
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import GhatnaError

__all__ = ["extract_on_cluster", "code_fingerprint", "DEFAULT_WINDOW"]

#: Jobs in flight at once when the cluster has few workers (at least 4 per worker thread otherwise).
DEFAULT_WINDOW = 64

Job = tuple[str, bytes, "str | None", str, int]
Result = tuple[str, "dict | None", "str | None"]


def code_fingerprint() -> str:
    """What extraction results depend on: the ``kg`` package's Python sources and the language data."""
    from .pipeline import EXTRACTION_VERSION

    h = hashlib.sha256(EXTRACTION_VERSION.encode())
    root = Path(__file__).resolve().parent
    for f in sorted(root.rglob("*.py")):
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _import_distributed():
    try:
        import distributed
    except ImportError as e:
        raise GhatnaError("building on a cluster needs dask.distributed: pip install 'dask[distributed]'") from e
    return distributed


def _check_workers(client: Any) -> int:
    """Every worker runs the same code and data as this process; returns the number of worker threads."""
    mine = code_fingerprint()
    theirs = client.run(code_fingerprint)
    if not theirs:
        raise GhatnaError(f"the cluster at {client.scheduler.address} has no workers")
    differ = sorted(w for w, fp in theirs.items() if fp != mine)
    if differ:
        raise GhatnaError(f"{len(differ)} of {len(theirs)} cluster workers run other Ghatna code or language "
                          f"data than this machine ({', '.join(differ[:3])}{', …' if len(differ) > 3 else ''}); "
                          "install the same version on every worker")
    info = client.scheduler_info(n_workers=-1) if _accepts_n_workers(client) else client.scheduler_info()
    return sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or len(theirs)


def _accepts_n_workers(client: Any) -> bool:
    import inspect

    try:
        return "n_workers" in inspect.signature(client.scheduler_info).parameters
    except (TypeError, ValueError):
        return False


def extract_on_cluster(jobs: Iterable[Job], address: Any = "local", *, window: int | None = None,
                       n_workers: int = 2) -> Iterator[Result]:
    """Run :func:`kg.build._extract_job` on each job on a dask cluster; ``(path, record, error)`` per job,
    in the order the jobs came.

    ``jobs`` is consumed lazily (``_read_jobs`` reads each file as it is needed). A job whose task fails on
    the cluster (a worker died too often, say) comes back with an error message, like an unreadable
    article, so the build reports it and a later build retries it.
    """
    from .build import _extract_job

    distributed = _import_distributed()
    cluster = None
    own_client = False
    if isinstance(address, distributed.Client):
        client = address
    elif address == "local":
        try:
            cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address="127.0.0.1:0")
        except Exception as e:  # noqa: BLE001 - any start failure is one message
            raise GhatnaError(f"cannot start a local dask cluster ({type(e).__name__}: {e})") from e
        client = distributed.Client(cluster)
        own_client = True
    else:
        try:
            client = distributed.Client(str(address), timeout="30s")
        except (OSError, TimeoutError) as e:
            raise GhatnaError(f"cannot reach the dask scheduler at {address} ({e})") from e
        own_client = True
    pending: deque[tuple[str, Any]] = deque()
    try:
        threads = _check_workers(client)
        limit = window or max(DEFAULT_WINDOW, 4 * threads)
        for job in jobs:
            # pure=False: two identical files under different names are still two tasks
            pending.append((job[3], client.submit(_extract_job, job, pure=False)))
            if len(pending) >= limit:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())
    finally:
        for _path, fut in pending:  # the consumer stopped early, or an error
            fut.cancel()
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


def _result(path: str, future: Any) -> Result:
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - the cluster lost the task; report it like an unreadable file
        return path, None, f"cluster error while extracting ({type(e).__name__}: {e}); a later build retries it"
