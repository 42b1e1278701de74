"""Benchmarks for Ghatna: a deterministic corpus generator (:mod:`benchmarks.generate`) and the
harness that measures ``kg build`` against pyoxigraph's own bulk loader, rdflib and the issue's
targets (:mod:`benchmarks.run`)."""
