"""Bench-side benchmarks, run with ``bench execute`` (never collected as tests)."""
