"""What a serving process does once it has started, before its first request."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def ready_to_serve() -> None:
    """Import every view, then hide what start-up made from the garbage collector.

    A full collection walks every object the collector tracks that is not frozen.
    Started, a serving process holds about 94,000 (Django, the API's schemas, our
    modules), and a search for every free time leaves enough objects alive for a
    while to set one off every ten searches or so: 3–4 ms a search on average, 30–50 ms
    for the unlucky one. Frozen, they are never walked again: a full collection then
    walks what requests made. Django imports the URLconf, and with it every view and
    the API, at the first request, so it is imported here first. Under
    `gunicorn --preload` this runs once, before the workers are forked; they inherit
    the frozen objects, and no collection writes to their pages (copy on write).
    docs/algorithms/availability.md has the figures.
    """
    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    gc.collect()
    gc.freeze()
