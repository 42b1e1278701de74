"""Every command through click's CliRunner, and every bad input: one line, non-zero, store untouched."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def one_line_error(result, pattern):
    assert result.exit_code != 0
    err = result.stderr if hasattr(result, "stderr") else result.output
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.output


def snapshot(store: Path) -> list[str]:
    from kg.export import export
    from kg.store import open_store
    return sorted(export(open_store(store, read_only=True), "nquads").decode().splitlines())


def test_build_query_stats_validate_export(writable_seed_store, tmp_path):
    s = writable_seed_store
    out = run("build", ROOT / "seeds", "--store", s).output
    assert "5 articles read (0 extracted, 5 unchanged)" in out
    table = run("query", "meetings", "--store", s).output
    assert "दियाओयुताई" in table and "(5 rows)" in table
    assert "2025-09-03" in table
    data = json.loads(run("query", "treaties", "--store", s, "--format", "json").output)
    assert data["head"]["vars"] and data["results"]["bindings"]
    csv_out = run("query", "deployments", "--store", s, "--format", "csv").output
    assert "15000" in csv_out.replace(",", "") or "15,000" in csv_out
    md = run("query", "statements", "--store", s, "--param", "speaker=पेसकोव", "--format", "markdown").output
    assert md.startswith("|") and "ठोस" in md and "पुतिन ने किम से" not in md
    assert "Statement" in run("stats", "--store", s).output
    assert "conforms" in run("validate", "--store", s).output
    out_file = tmp_path / "g.ttl"
    run("export", "--store", s, "--format", "turtle", "-o", out_file)
    assert len(rdflib.Graph().parse(out_file, format="turtle")) > 1000
    nq = run("export", "--store", s, "--format", "nquads").output
    assert nq.count("\n") > 1000


def test_queries_lists_descriptions():
    out = run("queries").output
    for name in ("meetings", "statements", "deployments", "treaties", "timeline", "entity", "provenance"):
        assert re.search(rf"^{name}\s+\S", out, re.M), name


def test_viz_writes_every_format(seed_store, tmp_path):
    for suffix in ("svg", "graphml", "gexf", "html"):
        out = tmp_path / f"g.{suffix}"
        run("viz", "--store", seed_store, "-o", out, "--lang", "en")
        assert out.stat().st_size > 500


def test_timeline_command(seed_store, tmp_path):
    out = tmp_path / "t.svg"
    result = run("timeline", "--store", seed_store, "-o", out, "--lanes", "actor", "--lang", "en")
    assert "dated events" in result.output and out.stat().st_size > 1000


def test_evaluate_text_and_json(seed_store):
    out = run("evaluate", ROOT / "tests/data/gold/seeds.gold.json", "--store", seed_store).output
    assert "overall" in out
    data = json.loads(run("evaluate", ROOT / "tests/data/gold/seeds.gold.json", "--store", seed_store,
                          "--format", "json").output)
    assert data["overall"]["f1"] >= 0.95


def test_remove_command(writable_seed_store):
    out = run("remove", "003_b809a8d0328b69a2", "--store", writable_seed_store).output
    assert "4 articles remain" in out


# ------------------------------------------------------------------ bad input
@pytest.fixture
def before(writable_seed_store):
    return writable_seed_store, snapshot(writable_seed_store)


def _unchanged(before):
    store, snap = before
    assert snapshot(store) == snap


def test_missing_path(before, tmp_path):
    one_line_error(run("build", tmp_path / "nope", "--store", before[0], ok=False), r"nope: no such file")
    _unchanged(before)


def test_directory_without_articles(before, tmp_path):
    (tmp_path / "empty").mkdir()
    one_line_error(run("build", tmp_path / "empty", "--store", before[0], ok=False), r"no \.txt articles")
    _unchanged(before)


def test_file_not_utf8(before, tmp_path):
    bad = tmp_path / "latin.txt"
    bad.write_bytes("café à Moscou".encode("latin-1"))
    result = run("build", bad, "--store", before[0], ok=False)
    assert result.exit_code == 3
    assert "latin.txt" in result.output and "not UTF-8" in result.output
    _unchanged(before)


def test_empty_file_strict(before, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "ok.txt").write_text("पुतिन ने कहा कि रूस जीतेगा।", encoding="utf-8")
    one_line_error(run("build", tmp_path, "--store", before[0], "--strict", ok=False), r"empty\.txt: empty article")
    _unchanged(before)


def test_unknown_query_name(before):
    one_line_error(run("query", "meetingz", "--store", before[0], ok=False), r"meetingz.*meetings")


def test_sparql_syntax_error_names_line_and_column(before, tmp_path):
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT ?x WHERE {\n  ?x ?y \n}\n")
    result = run("query", rq, "--store", before[0], ok=False)
    one_line_error(result, r"bad.*line 3.*column|line 3")
    _unchanged(before)


def test_unknown_format(before):
    result = run("export", "--store", before[0], "--format", "xml", ok=False)
    assert result.exit_code == 2 and "xml" in result.output


def test_user_update_is_refused_unless_asked(before, tmp_path):
    rq = tmp_path / "drop.rq"
    rq.write_text("DROP ALL")
    one_line_error(run("query", rq, "--store", before[0], ok=False), r"read-only|update")
    _unchanged(before)


def test_param_injection_stays_a_literal(before):
    result = run("query", "statements", "--store", before[0], "--param",
                 'speaker=x" } ; DROP ALL ; #', "--format", "json")
    assert json.loads(result.output)["results"]["bindings"] == []
    _unchanged(before)


def test_missing_store_for_query(tmp_path):
    one_line_error(run("query", "meetings", "--store", tmp_path / "none", ok=False), r"no store here")


def test_second_writer_gets_a_clear_line(before, tmp_path):
    store = before[0]
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time, pyoxigraph
        s = pyoxigraph.Store({str(store)!r})
        print("ready", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run("build", ROOT / "seeds", "--store", store, ok=False)
        one_line_error(result, r"another process holds this store")
        # readers still work while the writer holds it
        assert "(5 rows)" in run("query", "meetings", "--store", store).output
    finally:
        holder.communicate("\n", timeout=30)
    _unchanged(before)


# ------------------------------------------------------------------ help and README
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    out = run(name, "--help").output
    assert "Example" in out, name
    assert len(main.commands[name].help or "") > 20


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert re.search(rf"`kg {name}\b", readme), f"README does not document kg {name}"


def test_backup_is_a_working_copy(writable_seed_store, tmp_path):
    target = tmp_path / "backup"
    run("backup", target, "--store", writable_seed_store)
    assert snapshot(target) == snapshot(writable_seed_store)
    one_line_error(run("backup", target, "--store", writable_seed_store, ok=False), r"already exists")


def test_query_timeout_stops_a_long_query(seed_store, tmp_path):
    rq = tmp_path / "slow.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    one_line_error(run("query", rq, "--store", seed_store, "--timeout", "0.2", ok=False), r"stopped after 0.2 s")


def test_validate_reports_an_update_that_describes_an_event_in_one_graph_only(writable_seed_store, tmp_path):
    from kg.store import open_store
    s = writable_seed_store
    row = next(open_store(s, read_only=True).store.query(
        "SELECT ?e (SAMPLE(?g) AS ?one) WHERE { GRAPH ?g { ?e <https://w3id.org/ghatna/ontology#source> ?a } } "
        "GROUP BY ?e HAVING (COUNT(DISTINCT ?g) > 1) ORDER BY ?e LIMIT 1"))
    rq = tmp_path / "unlabel.rq"   # the union of the graphs is as before, so SHACL sees no change
    rq.write_text(f"DELETE WHERE {{ GRAPH <{row['one'].value}> {{ <{row['e'].value}> "
                  "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }")
    run("query", rq, "--store", s, "--update")
    result = run("validate", "--store", s, ok=False)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"description error: {row['e'].value}: 1 of the " in result.output and "(label)" in result.output
    assert "0 SHACL violations, 0 offset errors, 1 events described in part" in result.output


def test_user_update_reaches_the_read_view(writable_seed_store, tmp_path):
    from kg.store import open_store, view_path

    rq = tmp_path / "add.rq"
    rq.write_text("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> \"marker\" } }")
    assert "update applied" in run("query", rq, "--store", writable_seed_store, "--update").output
    view = open_store(view_path(writable_seed_store), read_only=True)
    assert any(q.object.value == "marker" for q in view.store.quads_for_pattern(None, None, None, None))
