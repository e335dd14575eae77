"""Benchmarks: ``make bench`` (or ``python -m bench``) runs every scenario (docs/BENCHMARKS.md)."""
