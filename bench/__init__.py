"""`make bench`: timings of pages and selectors on cached datasets, per database.

The parent (`python -m bench`) owns no Django state; each database is measured in its
own child process (`python -m bench.run_one`), because settings can be set only once.
"""
