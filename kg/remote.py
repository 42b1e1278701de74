"""A Ghatna store on a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, …) instead of the embedded Oxigraph.

``kg.store.open_store("http://host/sparql")`` (and so every ``--store URL``) returns a :class:`RemoteStore`,
which offers what :func:`kg.build.build` and the read commands use on :class:`kg.store.GraphStore`:
``ensure_static``, ``articles``, ``article_texts``, ``apply``, ``flush``, ``close``, ``publish_view``, ``quads``,
``graph_names``, and a ``store`` attribute with ``query``/``update``/``quads_for_pattern``/``named_graphs``
so :func:`kg.queries.run_query` runs the stored queries on it unchanged (``run_query(remote.store, "meetings")``).

* Endpoints: the query URL, plus an update URL and a SPARQL 1.1 Graph Store HTTP Protocol (GSP) URL,
  given or derived from the query URL (Virtuoso: ``/sparql`` → ``/sparql-auth`` and
  ``/sparql-graph-crud-auth``; Fuseki-style ``/DATASET/query`` or ``/DATASET/sparql`` → ``/DATASET/update``
  and ``/DATASET/data``).
* Credentials come from the environment only: ``KG_SPARQL_USER`` and ``KG_SPARQL_PASSWORD`` (HTTP Basic
  or Digest, whichever the server asks for), never from the command line or the URL.
* Each article graph is replaced with one request: a GSP ``PUT`` of its N-Triples (``method="gsp"``, the
  default) or one SPARQL Update ``DROP SILENT GRAPH … ; INSERT DATA …`` (``method="update"``). Its
  bookkeeping record is written after it, so, as in the embedded store, a record marks a complete graph.
  A SPARQL server gives no transaction across requests: a crash midway leaves graphs without records,
  which the next ``kg build`` rewrites. Terms are sent as the embedded store keeps them
  (:func:`as_stored`), so both hold the same quads.
* Parameters (pyoxigraph *substitutions*) are sent as ``VALUES`` blocks where pyoxigraph binds them
  (:func:`bind_values`), each value written as an RDF term (IRIs checked, literals escaped): a user's
  string is never pasted into the query text as SPARQL.
* Results are read as SPARQL JSON (pyoxigraph's XML results parser trims whitespace off literals), and a
  result the server cut at its row limit is an error, not a short answer.
* Only Ghatna's graphs (``https://w3id.org/ghatna/id/…``) are read back; the server must query the union of
  all graphs as its default graph (Virtuoso does; Fuseki needs ``tdb2:unionDefaultGraph true``).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from .errors import StoreError
from .rdf import GRAPH_BUILD, GRAPH_ENTITIES, GRAPH_ONTOLOGY, article_iri
from .resources import ontology_dir
from .store import (FORMAT_VERSION, GRAPHS_NODE, ONTOLOGY_NODE, OWL_VERSION_INFO, P_FORMAT, P_ONTOLOGY_VERSION,
                    P_ENTRIES, P_RESOLVED, P_RESOURCE_HASH, P_VERSION, STORE_NODE, GraphStore, Write, _record, _skolemize,
                    iter_records_from_quads)
from .vocab import ID_NS, NIF

__all__ = ["RemoteStore", "open_remote", "bind_values", "as_stored", "USER_ENV", "PASSWORD_ENV"]

USER_ENV = "KG_SPARQL_USER"
PASSWORD_ENV = "KG_SPARQL_PASSWORD"
# SPARQL results are read as JSON: pyoxigraph's XML results parser trims leading and trailing whitespace
# from literals (an article text starting with a space came back one character short).
_JSON = ox.QueryResultsFormat.JSON
_COST_REFUSAL = re.compile(r"estimated execution time -?\d+ \(sec\) exceeds the limit")


# ----------------------------------------------------------------------------- substitutions → VALUES

_TOKEN_RE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''  # long strings
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''                               # strings
    r'|<[^<>"{}|^`\\\s]*>'                                                       # IRIs
    r'|#[^\n]*'                                                                  # comments
    r'|[?$][^\W]+'                                                               # variables
    r'|[A-Za-z_][\w-]*(?::[\w.-]*)?'                                             # keywords, prefixed names
    r'|[{}()*]|\s+|.', re.S)
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def _tokens(query: str) -> list[tuple[int, str]]:
    """(offset, token) of the query's tokens, without whitespace and comments."""
    return [(m.start(), m.group(0)) for m in _TOKEN_RE.finditer(query)
            if not m.group(0).isspace() and not m.group(0).startswith("#")]


def _group_end(toks: list[tuple[int, str]], i: int) -> int:
    """Index of the ``}`` closing the ``{`` at index ``i``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][1] == "{":
            depth += 1
        elif toks[j][1] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced braces in the query")


def _where_after(toks: list[tuple[int, str]], i: int, construct: bool = False) -> int:
    """Index of the ``{`` opening the WHERE group of the query form at index ``i`` (skipping the
    projection's parenthesised expressions and a CONSTRUCT template)."""
    depth = 0
    j = i + 1
    while j < len(toks):
        tok = toks[j][1]
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif tok.upper() == "WHERE":
            construct = False
        elif tok == "{" and depth == 0:
            if not construct:
                return j
            j = _group_end(toks, j)  # the template
            construct = False
        j += 1
    raise ValueError("no WHERE group found in the query")


def _projection(toks: list[tuple[int, str]], i: int, where: int) -> set[str] | None:
    """Variables a SELECT projects as themselves (``None`` for ``SELECT *``)."""
    names: set[str] = set()
    depth = 0
    for _, tok in toks[i + 1:where]:
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth == 0 and tok == "*":
            return None
        elif depth == 0 and tok[0] in "?$":
            names.add(tok[1:])
    return names


_XSD_STRING = NamedNode("http://www.w3.org/2001/XMLSchema#string")


def _term_text(term: Any, typed_string: bool = False) -> str:
    """The term in N-Triples syntax (IRIs validated by pyoxigraph, literals escaped); with ``typed_string``, a
    plain string with its datatype written out (``"x"^^xsd:string``, the same RDF term)."""
    if isinstance(term, (NamedNode, Literal)):
        if typed_string and isinstance(term, Literal) and term.language is None and term.datatype == _XSD_STRING:
            return f"{term}^^{_XSD_STRING}"
        return str(term)
    raise ValueError(f"cannot send {term!r} as a parameter (only IRIs and literals)")


def _passed_to_str(toks: list[tuple[int, str]], name: str) -> bool:
    """Whether the query applies ``STR()`` to the variable."""
    return any(toks[i][1].upper() == "STR" and toks[i + 1][1] == "(" and toks[i + 2][1][1:] == name
               and toks[i + 2][1][0] in "?$" for i in range(len(toks) - 2))


def bind_values(query: str, substitutions: Mapping[Any, Any] | None) -> str:
    """The query with each substituted variable bound by a ``VALUES`` block, as pyoxigraph binds it.

    pyoxigraph's *substitutions* bind the variable in the outermost query and in every subquery that
    projects it (a subquery is otherwise evaluated on its own: a ``VALUES`` block only at the top would
    leave the variable unbound inside it). So the block goes at the top of the outermost WHERE group and
    of the WHERE group of every subquery that projects the variable, within a query that has it bound.
    Each value is written as an RDF term (IRIs checked, literals escaped by pyoxigraph), never as SPARQL.

    A string the query passes through ``STR()`` is written ``"…"^^xsd:string``, other strings bare ``"…"``
    (one RDF term either way): Virtuoso 7.2 keeps a bare string constant as an SQL wide string, which
    ``STR()`` turns into ``?``s for each letter beyond Latin-1 (a Hindi name then matched no label), while it
    takes the typed form for a different term from the bare strings of its data (RDF 1.0), so it would
    match nothing in a triple pattern or with ``=``.

    >>> bind_values('SELECT ?x ?p WHERE { ?x a ?t FILTER(?p = "") }', {ox.Variable("p"): Literal('a" } DROP ALL #')})
    'SELECT ?x ?p WHERE { VALUES (?p) { ("a\\\\" } DROP ALL #") } ?x a ?t FILTER(?p = "") }'
    >>> bind_values('SELECT ?p WHERE { ?x ?y ?z FILTER(STR(?z) = STR(?p)) }', {ox.Variable("p"): Literal("पुतिन")})
    'SELECT ?p WHERE { VALUES (?p) { ("पुतिन"^^<http://www.w3.org/2001/XMLSchema#string>) } ?x ?y ?z FILTER(STR(?z) = STR(?p)) }'
    >>> bind_values("SELECT ?p WHERE { { SELECT ?x ?p WHERE { ?x ?y ?p } } { SELECT ?x WHERE { ?x ?y ?p } } }",
    ...             {ox.Variable("p"): NamedNode("http://x/p")})
    'SELECT ?p WHERE { VALUES (?p) { (<http://x/p>) } { SELECT ?x ?p WHERE { VALUES (?p) { (<http://x/p>) } ?x ?y ?p } } { SELECT ?x WHERE { ?x ?y ?p } } }'
    """
    if not substitutions:
        return query
    toks = _tokens(query)
    terms: dict[str, str] = {}
    for var, term in substitutions.items():
        name = var.value if isinstance(var, ox.Variable) else str(var).lstrip("?$")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a variable name")
        terms[name] = _term_text(term, typed_string=_passed_to_str(toks, name))
    top = next((i for i, (_, t) in enumerate(toks) if t.upper() in _FORMS), None)
    if top is None:
        raise ValueError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")
    where = _where_after(toks, top, construct=toks[top][1].upper() == "CONSTRUCT")
    # (where-brace index, end index, variables bound there), outermost first
    scopes = [(where, _group_end(toks, where), list(terms))]
    for i in range(where + 1, len(toks)):
        if toks[i][1].upper() != "SELECT":
            continue
        sub_where = _where_after(toks, i)
        end = _group_end(toks, sub_where)
        parent = [s for s in scopes if s[0] < i < s[1]][-1]  # the innermost query around it
        projected = _projection(toks, i, sub_where)
        if projected is None:  # SELECT *: every variable it mentions
            projected = {t[1:] for _, t in toks[i:end] if t[0] in "?$"}
        scopes.append((sub_where, end, [n for n in parent[2] if n in projected]))
    out = query
    for brace, _, names in sorted(scopes, reverse=True):
        if names:
            at = toks[brace][0] + 1
            block = (f" VALUES ({' '.join('?' + n for n in names)}) "
                     f"{{ ({' '.join(terms[n] for n in names)}) }}")
            out = out[:at] + block + out[at:]
    return out


# ----------------------------------------------------------------------------- terms


def as_stored(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples as the embedded store keeps them, in a stable order.

    Oxigraph stores typed literals by value: ``"0"^^xsd:nonNegativeInteger`` (what :mod:`kg.rdf` writes for
    NIF offsets) comes back as ``"0"^^xsd:integer``, ``"1.50"^^xsd:decimal`` as ``"1.5"``. Virtuoso keeps the
    datatype it was given. Passing the triples through an in-memory Oxigraph store before sending them
    makes the server hold exactly the terms the embedded store holds.

    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> t = ox.Triple(NamedNode("http://x/s"), NamedNode("http://x/p"), Literal("7", datatype=NamedNode(xsd + "nonNegativeInteger")))
    >>> as_stored([t])[0].object
    <Literal value=7 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    mem = ox.Store()
    mem.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    return sorted((q.triple for q in mem), key=str)


# ----------------------------------------------------------------------------- HTTP


class _Solutions:
    """Solutions already read, in place of pyoxigraph's ``QuerySolutions`` (``variables``, iteration)."""

    def __init__(self, variables: list[ox.Variable], rows: list[Any]) -> None:
        self.variables = variables
        self._rows = rows

    def __iter__(self):
        return iter(self._rows)


class _Http:
    """urllib with HTTP Basic or Digest credentials sent up front once the server's challenge is known.

    (urllib's own handlers answer a 401 by resending; a server such as Virtuoso answers a large PUT's
    first bytes with 401 and closes the connection, so the body never arrives: here a body-less probe
    learns the challenge first, and later requests carry the Authorization header from the start.)"""

    def __init__(self, user: str | None, password: str | None, timeout: float, urls: list[str]) -> None:
        self.timeout = timeout
        self.user = user
        self.basic = None
        self.challenges: dict[str, tuple[str, dict]] = {}  # netloc → (scheme, parameters)
        self.opener = urllib.request.build_opener()
        if user is not None:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in urls:  # the credentials go to our endpoints only
                p = urllib.parse.urlsplit(url)
                mgr.add_password(None, urllib.parse.urlunsplit((p.scheme, p.netloc, "/", "", "")), user, password or "")
            self.digest = urllib.request.HTTPDigestAuthHandler(mgr)
            self.basic = "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode()

    def _authorize(self, req: urllib.request.Request) -> None:
        known = self.challenges.get(urllib.parse.urlsplit(req.full_url).netloc)
        if self.user is None or known is None:
            return
        scheme, chal = known
        if scheme == "basic":
            req.add_unredirected_header("Authorization", self.basic)
        else:
            value = self.digest.get_authorization(req, chal)
            if value:
                req.add_unredirected_header("Authorization", "Digest " + value)

    def _learn(self, url: str, headers) -> bool:
        for value in headers.get_all("WWW-Authenticate") or []:
            scheme, _, rest = value.strip().partition(" ")
            if scheme.lower() in ("digest", "basic"):
                chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
                self.challenges[urllib.parse.urlsplit(url).netloc] = (scheme.lower(), chal)
                return True
        return False

    def _probe(self, url: str) -> bool:
        try:
            with self.opener.open(urllib.request.Request(url, method="GET"), timeout=self.timeout):
                return False
        except urllib.error.HTTPError as e:
            return e.code == 401 and self._learn(url, e.headers)
        except (urllib.error.URLError, OSError):
            return False

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> bytes:
        return self.exchange(method, url, body, headers)[0]

    def exchange(self, method: str, url: str, body: bytes | None = None,
                 headers: dict | None = None) -> tuple[bytes, Any]:
        """(body, response headers) of one request, logging in when the server asks."""
        for attempt in (0, 1):
            req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
            self._authorize(req)
            try:
                with self.opener.open(req, timeout=self.timeout) as r:
                    return r.read(), r.headers
            except urllib.error.HTTPError as e:
                if e.code == 401 and attempt == 0 and self.user is not None and self._learn(url, e.headers):
                    continue
                detail = _detail(e.read()[:2000])
                hint = ""
                if e.code in (401, 403):
                    hint = (f" (check {USER_ENV} and {PASSWORD_ENV})" if self.user is not None else
                            f" (set {USER_ENV} and {PASSWORD_ENV} for a server that needs a login)")
                raise StoreError(f"{_safe(url)}: {method} failed with HTTP {e.code} {e.reason}"
                                 f"{': ' + detail if detail else ''}{hint}") from None
            except (urllib.error.URLError, OSError) as e:
                # the server refused the body before reading it (a 401 we could not see): learn, then resend
                if attempt == 0 and self.user is not None and body and self._probe(url):
                    continue
                reason = getattr(e, "reason", e)
                raise StoreError(f"{_safe(url)}: cannot reach the SPARQL server ({reason})") from None
        raise StoreError(f"{_safe(url)}: {method} was refused after logging in")


def _detail(body: bytes) -> str:
    """The start of an error page as one short line (HTML tags dropped).

    >>> _detail(b"<html><head><title>404</title></head><body><h1>Not found</h1></body></html>")
    '404 Not found'
    >>> _detail(b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error\\n\\nSPARQL query:\\nSELEC")
    'Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error'
    """
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<!DOCTYPE[^>]*>|<[^>]+>", " ", text).split("SPARQL query:")[0]
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def _safe(url: str) -> str:
    """The URL without user info or query string, for messages."""
    try:
        p = urllib.parse.urlsplit(url)
        host = p.hostname + (f":{p.port}" if p.port else "") if p.hostname else ""
    except ValueError:
        return url.split("?", 1)[0].rsplit("@", 1)[-1]
    return urllib.parse.urlunsplit((p.scheme, host, p.path, "", ""))


def _derive(url: str) -> tuple[str, str | None]:
    """(update URL, GSP URL) for a query URL."""
    p = urllib.parse.urlsplit(url)
    base = lambda path: urllib.parse.urlunsplit((p.scheme, p.netloc, path, "", ""))  # noqa: E731
    if p.path.rstrip("/") == "/sparql":  # Virtuoso
        return base("/sparql-auth"), base("/sparql-graph-crud-auth")
    m = re.fullmatch(r"(.*)/(query|sparql)/?", p.path)
    if m:  # Fuseki-style dataset services
        return base(m.group(1) + "/update"), base(m.group(1) + "/data")
    return url, None


# ----------------------------------------------------------------------------- the store


class RemoteStore:
    """A Ghatna store on a SPARQL 1.1 server; see the module docstring."""

    def __init__(self, url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 method: str = "gsp", timeout: float = 120.0, page_size: int = 5_000, read_only: bool = False,
                 user: str | None = None, password: str | None = None) -> None:
        if method not in ("gsp", "update"):
            raise StoreError(f"unknown write method {method!r}; use 'gsp' or 'update'")
        if not re.match(r"^https?://", url):
            raise StoreError(f"{url}: a SPARQL endpoint URL must start with http:// or https://")
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError as e:
            raise StoreError(f"{_safe(url)}: not a valid URL ({e})") from None
        if not parts.hostname:
            raise StoreError(f"{_safe(url)}: not a valid URL (no host)")
        if parts.username or parts.password:
            raise StoreError(f"{_safe(url)}: put credentials in {USER_ENV}/{PASSWORD_ENV}, not in the URL")
        d_update, d_gsp = _derive(url)
        self.url = url
        self.path = _safe(url)
        self.update_url = update_url or d_update
        self.gsp_url = gsp_url or d_gsp
        self.method = method if (method == "update" or self.gsp_url) else "update"
        self.page_size = page_size
        self.read_only = read_only
        user = user if user is not None else os.environ.get(USER_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        self._http = _Http(user, password, timeout, [u for u in (url, self.update_url, self.gsp_url) if u])
        self.store = self  # run_query(remote.store, …) works: this object has query()/update()

    # ------------------------------------------------------------------ protocol
    def query(self, sparql: str, *, substitutions: Mapping | None = None, prefixes: Mapping[str, str] | None = None,
              base_iri: str | None = None, use_default_graph_as_union: bool = True, **options: Any) -> Any:
        """Run a query on the server, like ``pyoxigraph.Store.query``: a ``QuerySolutions``, ``QueryBoolean``
        or ``QueryTriples``. The server's default graph must be the union of its graphs."""
        if any(v is not None for v in options.values()):
            raise StoreError(f"{self.path}: {', '.join(options)} not supported on a SPARQL server store")
        prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items())
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + prologue + sparql
        text = bind_values(text, substitutions) if substitutions else text
        body = urllib.parse.urlencode({"query": text}).encode()
        if _form(text) in ("CONSTRUCT", "DESCRIBE"):
            data, _ = self._post_query(body, "application/n-triples, text/turtle;q=0.9")
            graph = ox.Store()
            try:
                graph.extend(Quad(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.TURTLE))
            except (SyntaxError, ValueError) as e:
                raise StoreError(f"{self.path}: the server's answer is not RDF ({e})") from e
            return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
        data, headers = self._post_query(body, "application/sparql-results+json")
        try:
            result = ox.parse_query_results(data, format=_JSON)
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"{self.path}: the server's answer is not SPARQL JSON results ({e})") from e
        cap = headers.get("X-SPARQL-MaxRows")
        if cap and isinstance(result, ox.QuerySolutions):
            rows = list(result)
            if len(rows) >= int(cap):
                raise StoreError(f"{self.path}: the server returns at most {cap} rows (Virtuoso's ResultSetMaxRows "
                                 "in virtuoso.ini), so this answer may be cut short; raise the limit")
            return _Solutions(result.variables, rows)
        return result

    def _post_query(self, body: bytes, accept: str) -> tuple[bytes, Any]:
        """POST a query, once more if Virtuoso refused it on a cost estimate: its first estimates on freshly
        loaded data are wild (thousands of seconds for a query that takes milliseconds) until it has sampled
        the indexes, which the refused attempt makes it do."""
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        try:
            return self._http.exchange("POST", self.url, body, headers)
        except StoreError as e:
            if not _COST_REFUSAL.search(str(e)):
                raise
        try:
            return self._http.exchange("POST", self.url, body, headers)
        except StoreError as e:
            if not _COST_REFUSAL.search(str(e)):
                raise
            raise StoreError(f"{e} (Virtuoso refuses a query on its cost estimate, often far off: raise "
                             "MaxQueryCostEstimationTime in virtuoso.ini, or set it to 0)") from None

    def update(self, sparql: str) -> None:
        """Send a SPARQL Update to the update endpoint."""
        self._writable()
        self._http.request("POST", self.update_url, sparql.encode("utf-8"),
                           {"Content-Type": "application/sparql-update; charset=utf-8"})

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")

    def _gsp(self, method: str, graph: NamedNode, triples: list[ox.Triple]) -> None:
        self._writable()
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        url = self.gsp_url + ("&" if "?" in self.gsp_url else "?") + urllib.parse.urlencode({"graph": graph.value})
        # text/turtle: N-Triples is Turtle, and every GSP server knows text/turtle
        self._http.request(method, url, body, {"Content-Type": "text/turtle; charset=utf-8"})

    # ------------------------------------------------------------------ reading
    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterable[Quad]:  # noqa: A002
        """Quads matching the pattern (None is a wildcard; a graph wildcard covers Ghatna's graphs only).

        Servers cap result sizes (Virtuoso: ``ResultSetMaxRows``, 10,000 by default, and sorted ``OFFSET``
        paging beyond that is refused), so answers come in parts of at most ``page_size`` rows: whole
        graphs, as many as fit, and a larger graph split by the MD5 of subject and predicate.
        """
        s, p, o = ("?s" if subject is None else str(subject), "?p" if predicate is None else str(predicate),
                   "?o" if object is None else str(object))
        triple = f"{s} {p} {o}"

        def quads(rows: Iterable[Any], graph: NamedNode | None = None) -> Iterable[Quad]:
            for row in rows:
                yield Quad(subject or row["s"], predicate or row["p"], object or row["o"], graph or row["g"])

        if graph_name is not None:
            keys = [f"STR({v})" for v in (s, p) if v.startswith("?")] or ["STR(?o)"]
            yield from quads(self._fetch(f"GRAPH {graph_name} {{ {triple} }}",
                                         f"MD5(CONCAT({', '.join(keys)}, \"\"))", ""), graph_name)
            return
        batch: list[NamedNode] = []
        size = 0
        for graph, n in sorted(self._graph_sizes(triple, ""), key=lambda gn: gn[0].value):
            if n > self.page_size:
                yield from self.quads_for_pattern(subject, predicate, object, graph)
                continue
            if batch and size + n > self.page_size:
                yield from quads(self._graphs(batch, triple))
                batch, size = [], 0
            batch.append(graph)
            size += n
        if batch:
            yield from quads(self._graphs(batch, triple))

    def _graphs(self, graphs: list[NamedNode], triple: str) -> Iterable[Any]:
        return self.query(f"SELECT * WHERE {{ VALUES ?g {{ {' '.join(map(str, graphs))} }} GRAPH ?g {{ {triple} }} }}")

    def _graph_sizes(self, triple: str, prefix: str) -> list[tuple[NamedNode, int]]:
        """(graph, number of matches) for Ghatna's graphs with matches, asked for in parts by the MD5 of the
        graph name when there are more graphs than fit in one answer."""
        where = (f'WHERE {{ GRAPH ?g {{ {triple} }} FILTER(STRSTARTS(STR(?g), "{ID_NS}")'
                 + (f' && STRSTARTS(MD5(STR(?g)), "{prefix}")' if prefix else "") + ") }")
        graphs = int(next(iter(self.query("SELECT (COUNT(DISTINCT ?g) AS ?n) " + where)))["n"].value)
        if graphs <= self.page_size or len(prefix) >= 6:
            return [(row["g"], int(row["n"].value)) for row in self.query(f"SELECT ?g (COUNT(*) AS ?n) {where} GROUP BY ?g")]
        return [gn for c in "0123456789abcdef" for gn in self._graph_sizes(triple, prefix + c)]

    def _fetch(self, pattern: str, key: str, prefix: str) -> Iterable[Any]:
        where = "WHERE { " + pattern + (f' FILTER(STRSTARTS({key}, "{prefix}"))' if prefix else "") + " }"
        total = int(next(iter(self.query("SELECT (COUNT(*) AS ?n) " + where)))["n"].value)
        if total == 0:
            return
        if total <= self.page_size or len(prefix) >= 6:
            yield from self.query("SELECT * " + where)
            return
        for c in "0123456789abcdef":
            yield from self._fetch(pattern, key, prefix + c)

    def named_graphs(self) -> list[NamedNode]:
        """Ghatna's graphs on the server (not the server's own)."""
        return [row["g"] for row in self.query(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{ID_NS}")) }}')]

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.named_graphs())

    def quads(self, include_build: bool = False) -> list[Quad]:
        """Every quad of Ghatna's graphs (without the bookkeeping graph unless asked), sorted.

        Only Ghatna's graphs are read (the ontology, gazetteer and article graphs), not whatever else the
        server holds (Virtuoso keeps its own system graphs)."""
        return sorted((q for q in self.quads_for_pattern(None, None, None, None)
                       if include_build or q.graph_name != GRAPH_BUILD), key=str)

    def is_empty(self) -> bool:
        """True when the server holds no Ghatna store (no format record)."""
        return not any(True for _ in self.quads_for_pattern(STORE_NODE, P_FORMAT, None, GRAPH_BUILD))

    def check_version(self) -> None:
        found = [q.object.value for q in self.quads_for_pattern(STORE_NODE, P_FORMAT, None, GRAPH_BUILD)]
        if found and found[0] != FORMAT_VERSION:
            raise StoreError(f"{self.path}: store format {found[0]} was written by another Ghatna version "
                             f"(this one reads format {FORMAT_VERSION}); drop the server's Ghatna graphs and rebuild")

    def article_texts(self, idents: Iterable[str], chunk: int = 200) -> dict[str, str]:
        """The text of stored articles, read from their graphs (``nif:isString`` of ``<graph#context>``)."""
        idents = list(idents)
        out: dict[str, str] = {}
        for i in range(0, len(idents), chunk):
            pairs = {article_iri(ident): ident for ident in idents[i:i + chunk]}
            values = " ".join(f"({g} {NamedNode(g.value + '#context')})" for g in pairs)
            for row in self.query(f"SELECT ?g ?text WHERE {{ VALUES (?g ?ctx) {{ {values} }} "
                                  f"GRAPH ?g {{ ?ctx {NIF.isString} ?text }} }}"):
                out[pairs[row["g"]]] = row["text"].value
        return out

    def articles(self) -> dict[str, dict]:
        """Bookkeeping per article: ``{ident: {"content_hash", "graph_hash", "extraction"}}``."""
        return dict(self.iter_articles())

    def iter_articles(self) -> Iterator[tuple[str, dict]]:
        """:meth:`articles` one at a time."""
        return iter_records_from_quads(self.quads_for_pattern(None, None, None, GRAPH_BUILD))

    def resolved(self) -> dict | None:
        """See :meth:`kg.store.GraphStore.resolved`."""
        for q in self.quads_for_pattern(GRAPHS_NODE, P_RESOLVED, None, GRAPH_BUILD):
            return json.loads(q.object.value)
        return None

    # ------------------------------------------------------------------ writing
    def set_resolved(self, value: dict | None) -> None:
        """See :meth:`kg.store.GraphStore.set_resolved`. (A server's store keeps no resolution entries: a
        build reads its records whole and resolves every article.)"""
        self._writable()
        self.update(f"DELETE WHERE {{ GRAPH {GRAPH_BUILD} {{ {GRAPHS_NODE} {P_RESOLVED} ?o }} }} ;\n"
                    f"DELETE WHERE {{ GRAPH {GRAPH_BUILD} {{ {GRAPHS_NODE} {P_ENTRIES} ?o }} }}")
        if value is not None:
            self._add_build([ox.Triple(GRAPHS_NODE, P_RESOLVED, Literal(json.dumps(value, sort_keys=True)))])

    def ensure_static(self) -> None:
        """Load the ontology and gazetteer graphs when they are missing or their files changed."""
        self._writable()
        for graph, name in ((GRAPH_ONTOLOGY, "ghatna.ttl"), (GRAPH_ENTITIES, "entities.ttl")):
            path = ontology_dir() / name
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            node = NamedNode(graph.value)
            current = [q.object.value for q in self.quads_for_pattern(node, P_RESOURCE_HASH, None, GRAPH_BUILD)]
            if current == [digest]:
                continue
            triples = _skolemize(list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())))
            self.update(f"DELETE WHERE {{ GRAPH {GRAPH_BUILD} {{ {node} {P_RESOURCE_HASH} ?o }} }}")
            self._put_graph(graph, triples)
            self._add_build([ox.Triple(node, P_RESOURCE_HASH, Literal(digest))])
        want = {ox.Triple(STORE_NODE, P_FORMAT, Literal(FORMAT_VERSION)),
                ox.Triple(STORE_NODE, P_VERSION, Literal(_version()))}
        want |= {ox.Triple(STORE_NODE, P_ONTOLOGY_VERSION, Literal(q.object.value))
                 for q in self.quads_for_pattern(ONTOLOGY_NODE, OWL_VERSION_INFO, None, GRAPH_ONTOLOGY)}
        have = {q.triple for q in self.quads_for_pattern(STORE_NODE, None, None, GRAPH_BUILD)}
        if want != have:
            self.update(f"DELETE WHERE {{ GRAPH {GRAPH_BUILD} {{ {STORE_NODE} ?p ?o }} }}")
            self._add_build(sorted(want, key=str))

    def _put_graph(self, graph: NamedNode, triples: list[ox.Triple]) -> None:
        """Replace one graph with one request."""
        triples = as_stored(triples)
        if self.method == "gsp":
            if triples:
                self._gsp("PUT", graph, triples)
            else:
                self.update(f"DROP SILENT GRAPH {graph}")
            return
        ops = [f"DROP SILENT GRAPH {graph}"]
        if triples:
            ops.append(f"INSERT DATA {{ GRAPH {graph} {{\n"
                       + "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples) + "\n} }")
        self.update(" ;\n".join(ops))

    def _add_build(self, triples: list[ox.Triple]) -> None:
        if not triples:
            return
        triples = as_stored(triples)
        if self.method == "gsp":
            self._gsp("POST", GRAPH_BUILD, triples)  # GSP POST merges into the graph
        else:
            self.update(f"INSERT DATA {{ GRAPH {GRAPH_BUILD} {{\n"
                        + "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples) + "\n} }")

    def apply(self, writes: Iterable[Write], removals: list[str], chunk: int = 50) -> int:
        """Replace and remove article graphs (see :meth:`kg.store.GraphStore.apply`): first the records of
        every graph that changes or goes are deleted, with the removed graphs; then each graph is written
        with one request, followed by its record. ``quads`` and ``extraction`` may be functions that make
        them. Returns the number of graphs written."""
        self._writable()
        writes = list(writes)
        gone = sorted({ident for ident, *_ in writes} | set(removals))
        for i in range(0, len(gone), chunk):
            part = gone[i:i + chunk]
            values = " ".join(str(_record(ident)) for ident in part)
            ops = [f"DELETE {{ GRAPH {GRAPH_BUILD} {{ ?r ?p ?o }} }} WHERE {{ VALUES ?r {{ {values} }} "
                   f"GRAPH {GRAPH_BUILD} {{ ?r ?p ?o }} }}"]
            ops += [f"DROP SILENT GRAPH {article_iri(ident)}" for ident in part if ident in removals]
            self.update(" ;\n".join(ops))
        for ident, quads, extraction, graph_hash in writes:
            self._put_graph(article_iri(ident), [q.triple for q in (quads() if callable(quads) else quads)])
            record = extraction() if callable(extraction) else extraction
            self._add_build([q.triple for q in GraphStore._record_quads(ident, record, graph_hash)])
        return len(writes)

    def flush(self) -> None:
        """Nothing to do: every request is complete when it returns."""

    def optimize(self) -> None:
        """Nothing to do: the server looks after its own storage."""

    def publish_view(self) -> None:
        """Nothing to do: the server serves readers itself."""

    def close(self) -> None:
        """Nothing to release (no connection is kept open)."""

    def backup(self, target) -> None:
        raise StoreError(f"{self.path}: back up a SPARQL server with its own tools")


def _version() -> str:
    from . import __version__
    return __version__


def _form(text: str) -> str:
    from .queries import _leading_keyword
    return _leading_keyword(text)


def open_remote(url: str, *, read_only: bool = False, create: bool = True, **options: Any) -> RemoteStore:
    """A :class:`RemoteStore` for the SPARQL endpoint ``url``, checked to answer and to hold a compatible Ghatna
    store; with ``read_only`` or without ``create``, to hold one at all (as :func:`kg.store.open_store` wants a
    store folder to exist)."""
    rs = RemoteStore(url, read_only=read_only, **options)
    rs.check_version()
    if (read_only or not create) and rs.is_empty():
        raise StoreError(f"{rs.path}: no Ghatna store on this SPARQL server; build one first with: "
                         f"kg build --store {rs.path}")
    return rs
