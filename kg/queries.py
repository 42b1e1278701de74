"""Stored SPARQL queries: list them, load them, bind their parameters and run them read-only.

A stored query is a ``.rq`` file in ``queries/`` (see :func:`kg.resources.queries_dir`) that starts with
a comment header::

    # meetings: who met whom, when and where, with the reporting articles
    # param: participant — optional; an entity IRI or a name to keep only meetings with that participant

Parameters are SPARQL variables bound through pyoxigraph *substitutions*, never pasted into the text,
so a value such as ``x" } ; DROP ALL ; #`` is only ever a string literal.

Two facts about pyoxigraph 0.5 substitutions shape the stored queries:

* a substituted variable must appear in the ``SELECT`` projection (else pyoxigraph refuses the query), so
  every parameter is also a result column (empty when the parameter is not given);
* ``BOUND(?param)`` is constant-folded to *false* even when a value is substituted, so the queries test
  "no parameter given" with ``COALESCE(STR(?param), "") = ""`` instead.

>>> q = load_query("meetings")
>>> q.name, sorted(q.params)
('meetings', ['participant'])

A stored query with parameters may have a *selective form*: ``queries/selective/<name>.rq``, the same
query written for the case where its parameters are given, which :func:`run_query` runs then. The
plain form computes each property for every event of the kind and joins (right for a listing); the
selective form picks the few matching events first and looks up each one's properties in one
reporting article's graph, since every article graph that reports an event carries its whole
description (``docs/data-model.md``, Events). Both forms give the same rows (``tests/test_queries.py``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Union

import pyoxigraph as ox

from kg.resources import queries_dir

__all__ = [
    "PREFIXES",
    "QueryError",
    "QueryResult",
    "StoredQuery",
    "Term",
    "list_queries",
    "load_query",
    "parse_params",
    "parse_value",
    "run_query",
    "term_text",
    "to_sparql_json",
]

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"

#: Prefixes understood in parameter values (``wd:Q7747``) and used to shorten IRIs for display.
#: Order matters for display: the first namespace that matches wins.
PREFIXES: dict[str, str] = {
    "id": "https://w3id.org/ghatna/id/",
    "gh": "https://w3id.org/ghatna/ontology#",
    "wd": "http://www.wikidata.org/entity/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": XSD,
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "prov": "http://www.w3.org/ns/prov#",
}

_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

_HEADER_RE = re.compile(r"^#\s*([A-Za-z0-9_.-]+)\s*:\s*(.*?)\s*$")
_PARAM_RE = re.compile(r"^#\s*param\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:—|–|-{1,2}|:)?\s*(.*?)\s*$")
_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PNAME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([^\s<>\"{}|^`\\]*)$")
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YEAR_MONTH_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_SYNTAX_POS_RE = re.compile(r"error at (\d+):(\d+)")
# Whitespace, comments and prologue declarations that may precede the query form keyword.
_PROLOGUE_RE = re.compile(
    r"\s+|#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>",
)
_NOT_PROJECTED_RE = re.compile(r"does not contains? variable \?(\w+)")


class QueryError(Exception):
    """A stored or user query could not be loaded, bound or run; the message names the query."""


@dataclass
class StoredQuery:
    """A SPARQL query with its header: name, one-line description and documented parameters."""

    name: str
    description: str
    params: dict[str, str]
    text: str
    path: Path
    #: the selective form's text, run when every parameter is given (see the module docstring)
    selective: str | None = None

    def text_for(self, bound: Iterable[str]) -> str:
        """The text to run with these parameters (names) bound: the selective form when there is one
        and every parameter is given, else the plain form."""
        given = set(bound)
        if self.selective is not None and self.params and all(p in given for p in self.params):
            return self.selective
        return self.text


@dataclass
class QueryResult:
    """The materialised result of :func:`run_query`.

    ``kind`` is ``"select"`` (``variables`` and ``rows``), ``"ask"`` (``boolean``), ``"graph"`` for
    CONSTRUCT/DESCRIBE (``triples``; ``variables``/``rows`` then hold subject, predicate, object so
    a result table can show them) or ``"update"`` (nothing).
    """

    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    kind: str = "select"
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Term | None]]:
        """The rows as ``{variable: term}`` dictionaries (unbound values are ``None``)."""
        return [dict(zip(self.variables, row)) for row in self.rows]

    def column(self, name: str) -> list[Term | None]:
        """All values of one variable, in row order."""
        try:
            i = self.variables.index(name)
        except ValueError:
            raise KeyError(f"no column {name!r}; columns: {', '.join(self.variables)}") from None
        return [row[i] for row in self.rows]

    def texts(self) -> list[list[str]]:
        """The rows as display strings (see :func:`term_text`)."""
        return [[term_text(t) for t in row] for row in self.rows]


# ----------------------------------------------------------------------------- loading


def _parse_header(text: str, path: Path) -> tuple[str, str, dict[str, str]]:
    """Read the leading comment block: ``# name: description`` then ``# param: NAME — description``."""
    name, description, params = path.stem, "", {}
    first = True
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        param = _PARAM_RE.match(stripped)
        if param:
            params[param.group(1)] = param.group(2)
        elif first:
            header = _HEADER_RE.match(stripped)
            if header:
                name, description = header.group(1), header.group(2)
        first = False
    return name, description, params


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"cannot read query file {str(path)!r}: {e}") from e


def _read(path: Path) -> StoredQuery:
    text = _read_text(path)
    name, description, params = _parse_header(text, path)
    selective = path.parent / "selective" / path.name
    return StoredQuery(name=name, description=description, params=params, text=text, path=path,
                       selective=_read_text(selective) if selective.is_file() else None)


def list_queries() -> list[StoredQuery]:
    """All stored queries, sorted by name.

    >>> names = [q.name for q in list_queries()]
    >>> "meetings" in names and names == sorted(names)
    True
    """
    return sorted((_read(p) for p in queries_dir().glob("*.rq")), key=lambda q: q.name)


def load_query(name_or_file: str | Path) -> StoredQuery:
    """A stored query by name (``"meetings"``), or any ``.rq`` file by path.

    >>> load_query("nonesuch")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.queries.QueryError: unknown query 'nonesuch'; stored queries: articles, deployments, ..., treaties
    """
    text = str(name_or_file)
    looks_like_path = isinstance(name_or_file, Path) or text.endswith(".rq") or "/" in text or "\\" in text
    if looks_like_path:
        path = Path(text).expanduser()
        if not path.is_file():
            raise QueryError(f"query file {text!r} does not exist")
        return _read(path)
    stored = queries_dir() / f"{text}.rq"
    if stored.is_file():
        return _read(stored)
    names = ", ".join(q.path.stem for q in list_queries())
    raise QueryError(f"unknown query {text!r}; stored queries: {names}")


# ----------------------------------------------------------------------------- parameters


def parse_value(value: str) -> Term:
    """Turn a command-line parameter value into an RDF term.

    ``<iri>`` or ``http(s)://…`` → IRI; ``wd:Q7747``, ``id:…``, ``gh:…`` (any of :data:`PREFIXES`) →
    expanded IRI; an integer → ``xsd:integer``; ``YYYY-MM-DD`` → ``xsd:date``; ``YYYY-MM`` →
    ``xsd:gYearMonth``; anything else → a plain string literal (never SPARQL).

    >>> parse_value("wd:Q7747")
    <NamedNode value=http://www.wikidata.org/entity/Q7747>
    >>> parse_value("2025-09-03")
    <Literal value=2025-09-03 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
    >>> parse_value("42").value, parse_value('x" } ; DROP ALL ; #').value
    ('42', 'x" } ; DROP ALL ; #')
    """
    if value.startswith("<") and value.endswith(">") and len(value) > 2:
        return _iri(value[1:-1], value)
    if re.match(r"^https?://\S+$", value):
        return _iri(value, value)
    pname = _PNAME_RE.match(value)
    if pname and pname.group(1) in PREFIXES:
        return _iri(PREFIXES[pname.group(1)] + pname.group(2), value)
    if _INT_RE.match(value):
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if _DATE_RE.match(value):
        try:
            date.fromisoformat(value)
        except ValueError as e:
            raise QueryError(f"{value!r} looks like a date but is not a valid one: {e}") from e
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if _YEAR_MONTH_RE.match(value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYearMonth"))
    return ox.Literal(value)


def _iri(iri: str, given: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise QueryError(f"parameter value {given!r} is not a valid IRI: {e}") from e


def _check_names(names: Iterable[str], query: StoredQuery | None) -> None:
    if query is None or not query.params:
        return
    for name in names:
        if name not in query.params:
            known = ", ".join(sorted(query.params))
            raise QueryError(f"query {query.name!r} has no parameter {name!r}; its parameters: {known}")


def _var_name(key: str, context: str) -> str:
    name = key.strip()
    if name[:1] in "?$":
        name = name[1:]
    if not _VAR_RE.match(name):
        raise QueryError(f"parameter {context!r}: {name!r} is not a valid variable name")
    return name


def parse_params(pairs: Sequence[str], query: StoredQuery | None = None) -> dict[ox.Variable, Term]:
    """Parse ``KEY=VALUE`` strings into substitutions for :func:`run_query`.

    With ``query``, keys must be parameters its header declares.

    >>> parse_params(["speaker=पुतिन"])
    {<Variable value=speaker>: <Literal value=पुतिन datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>}
    >>> parse_params(["speaker"])
    Traceback (most recent call last):
    ...
    kg.queries.QueryError: malformed parameter 'speaker': expected KEY=VALUE
    """
    if isinstance(pairs, str):
        pairs = [pairs]
    out: dict[ox.Variable, Term] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"malformed parameter {pair!r}: expected KEY=VALUE")
        name = _var_name(key, pair)
        if value == "":
            raise QueryError(f"parameter {pair!r} has an empty value; leave the parameter out instead")
        var = ox.Variable(name)
        if var in out:
            raise QueryError(f"parameter {name!r} given twice")
        out[var] = parse_value(value)
    _check_names((v.value for v in out), query)
    return out


def _substitutions(params: Any, query: StoredQuery | None) -> dict[ox.Variable, Term]:
    if params is None:
        return {}
    if isinstance(params, (str, bytes)):
        raise QueryError(f"parameters must be KEY=VALUE strings in a list or a mapping, not {params!r}")
    if isinstance(params, Mapping):
        out: dict[ox.Variable, Term] = {}
        for key, value in params.items():
            var = key if isinstance(key, ox.Variable) else ox.Variable(_var_name(str(key), str(key)))
            if isinstance(value, str):
                out[var] = parse_value(value)
            elif isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
                out[var] = value
            else:
                raise QueryError(f"parameter {var.value!r}: {value!r} is neither an RDF term nor a string")
        _check_names((v.value for v in out), query)
        return out
    return parse_params(list(params), query)


# ----------------------------------------------------------------------------- running


def _leading_keyword(text: str) -> str:
    """The query form keyword after comments and PREFIX/BASE declarations, upper-cased ('' if none)."""
    pos = 0
    while True:
        m = _PROLOGUE_RE.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    word = re.match(r"[A-Za-z]+", text[pos:])
    return word.group(0).upper() if word else ""


def _syntax_error(name: str, text: str, e: SyntaxError) -> QueryError:
    message = str(e)
    m = _SYNTAX_POS_RE.search(message)
    if not m:
        return QueryError(f"query {name!r}: SPARQL syntax error: {message}")
    line, column = int(m.group(1)), int(m.group(2))
    lines = text.splitlines()
    excerpt = ""
    if 1 <= line <= len(lines):
        excerpt = f"\n    {lines[line - 1]}\n    {' ' * max(column - 1, 0)}^"
    return QueryError(f"query {name!r}: SPARQL syntax error at line {line}, column {column}: {message}{excerpt}")


def _resolve(query: StoredQuery | str) -> StoredQuery:
    if isinstance(query, StoredQuery):
        return query
    if re.fullmatch(r"[\w./\\~-]+", query.strip()):
        return load_query(query.strip())
    return StoredQuery(name="<inline query>", description="", params={}, text=query, path=Path("<inline>"))


def run_query(
    store: ox.Store,
    query: StoredQuery | str,
    params: Mapping[str | ox.Variable, Term | str] | Sequence[str] | None = None,
    *,
    update: bool = False,
) -> QueryResult:
    """Run a query over the union of all graphs and materialise the result.

    ``query`` is a :class:`StoredQuery`, a stored name or ``.rq`` path (a string without spaces), or
    SPARQL text. ``params`` is a list of ``KEY=VALUE`` strings or a mapping from names (or
    :class:`pyoxigraph.Variable`) to terms or to strings parsed like :func:`parse_value`. Unknown
    parameters, updates (unless ``update=True``) and syntax errors raise :class:`QueryError`.

    >>> store = ox.Store()
    >>> run_query(store, "ASK { ?s ?p ?o }").boolean
    False
    >>> run_query(store, "DROP ALL")
    Traceback (most recent call last):
    ...
    kg.queries.QueryError: query '<inline query>' is a SPARQL update (DROP); queries are read-only unless update=True
    """
    sq = _resolve(query)
    subs = _substitutions(params, sq)
    keyword = _leading_keyword(sq.text)
    if keyword in _UPDATE_KEYWORDS:
        if not update:
            raise QueryError(
                f"query {sq.name!r} is a SPARQL update ({keyword}); queries are read-only unless update=True"
            )
        if subs:
            raise QueryError(f"query {sq.name!r}: parameters cannot be bound in an update")
        try:
            store.update(sq.text)
        except SyntaxError as e:
            raise _syntax_error(sq.name, sq.text, e) from e
        except (OSError, RuntimeError) as e:
            raise QueryError(f"update {sq.name!r} failed: {e}") from e
        return QueryResult(kind="update")
    text = sq.text_for(v.value for v in subs)
    try:
        result = store.query(text, substitutions=subs, use_default_graph_as_union=True)
        return _materialise(result)
    except SyntaxError as e:
        raise _syntax_error(sq.name, text, e) from e
    except (OSError, RuntimeError, ValueError) as e:
        missing = _NOT_PROJECTED_RE.search(str(e))
        if missing:
            declared = ", ".join(sorted(sq.params)) or "none"
            raise QueryError(
                f"query {sq.name!r} has no parameter {missing.group(1)!r} "
                f"(a parameter must be a variable in its SELECT clause); its parameters: {declared}"
            ) from e
        raise QueryError(f"query {sq.name!r} failed: {e}") from e


def _materialise(result: Any) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        return QueryResult(
            variables=["subject", "predicate", "object"],
            rows=[[t.subject, t.predicate, t.object] for t in triples],
            kind="graph",
            triples=triples,
        )
    variables = [v.value for v in result.variables]
    rows = [list(solution) for solution in result]
    return QueryResult(variables=variables, rows=rows, kind="select")


# ----------------------------------------------------------------------------- output


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def to_sparql_json(result: QueryResult) -> dict[str, Any]:
    """The result in the W3C SPARQL 1.1 Query Results JSON format.

    A graph result (CONSTRUCT/DESCRIBE) is given as a table of ``subject``, ``predicate``, ``object``.

    >>> to_sparql_json(QueryResult(kind="ask", boolean=True))
    {'head': {}, 'boolean': True}
    >>> to_sparql_json(QueryResult(["x"], [[ox.Literal("रूस", language="hi")], [None]]))
    {'head': {'vars': ['x']}, 'results': {'bindings': [{'x': {'type': 'literal', 'value': 'रूस', 'xml:lang': 'hi'}}, {}]}}
    """
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    if result.kind == "update":
        raise QueryError("an update has no results to serialise")
    bindings = [
        {var: _json_term(value) for var, value in zip(result.variables, row) if value is not None}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def term_text(term: Term | None) -> str:
    """Plain display text: a literal's value, an IRI shortened with :data:`PREFIXES`, ``""`` for None.

    >>> term_text(ox.NamedNode("https://w3id.org/ghatna/id/entity/russia"))
    'id:entity/russia'
    >>> term_text(ox.Literal("2025-09-03", datatype=ox.NamedNode(XSD + "date")))
    '2025-09-03'
    >>> term_text(ox.NamedNode("http://example.org/x"))
    'http://example.org/x'
    """
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {term_text(term.subject)} {term_text(term.predicate)} {term_text(term.object)} >>"
    return str(term)
