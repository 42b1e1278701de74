"""Smoke test of the benchmark harness: generate 200 articles, run every measurement on them, and check
that the report is written with its tables. No timing is asserted (the figures depend on the machine)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = 200


def test_generate_and_run_at_200(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    corpus = tmp_path / f"corpus-{N}"
    subprocess.run([sys.executable, "-m", "benchmarks.generate", str(N), str(corpus), "--seed", "0"],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    files = sorted(corpus.glob("*.txt"))
    assert len(files) == N
    sizes = [f.stat().st_size for f in files]
    assert min(sizes) >= 1500 and max(sizes) <= 12000

    # the generator is deterministic: same arguments, same bytes
    again = tmp_path / "again"
    subprocess.run([sys.executable, "-m", "benchmarks.generate", str(N), str(again), "--seed", "0"],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    assert [f.read_bytes() for f in sorted(again.glob("*.txt"))] == [f.read_bytes() for f in files]

    out = tmp_path / "BENCHMARKS.md"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--sizes", str(N), "--workdir", str(tmp_path),
                           "--out", str(out), "--query-timeout", "5"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "## Machine" in text and "pyoxigraph" in text
    assert f"Sizes run: {N}" in text
    assert f"| figure | N={N} |" in text
    assert "`kg build` wall time" in text and "Store.bulk_load" in text and "incremental rebuild" in text
    assert "a statement added after its events" in text and "(the slower edit)" in text
    assert "(median of 3)" in text   # each edit timed three times; every run is kept in the JSON
    size = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["sizes"][0]
    assert "`Store.bulk_load` CPU time and peak RSS" in text and size["bulk_load"]["maxrss_mb"] > 0
    walls = size["incremental_walls"]
    assert sorted(walls) == ["incremental", "incremental_event"] and all(len(w) == 3 for w in walls.values())
    assert "## Targets" in text and ("PASS" in text or "FAIL" in text)
    assert "workers=2" in text
    # rdflib's answers are compared with Oxigraph's, and the stored queries give the same rows in both
    assert "| same rows |" in text and "| yes |" in text and "| no |" not in text
    assert out.with_suffix(".png").is_file()
