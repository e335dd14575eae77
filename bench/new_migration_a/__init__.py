"""Bench-only tenant app (a): one migration, the "one new migration over N tenants" scenario.

Installed only by bench/settings/ours.py when ``BENCH_NEW_MIGRATION=a``, never in product
settings. Apps a and b hold the same migration: ours applies a's, stock applies b's, so both
commands find exactly one identical new migration per schema and nothing has to be rolled back.
"""
