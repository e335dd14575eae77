"""Benchmarks: ``make bench`` (or ``python -m bench``) runs every scenario; see docs/BENCHMARKS.md."""
