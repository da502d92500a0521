"""gunicorn settings for `safehub serve --production`: each worker builds its search index as it starts."""

from __future__ import annotations

import os
import threading


def post_worker_init(worker) -> None:
    """Build the real-time search index in the background so the worker answers at once and the first search is fast
    (SAFEHUB_WARM_UP_BLOCKING=1: build it before the worker takes its first request, as the load test wants).

    Each worker builds its own index after the fork: building it in the master (`--preload`) and forking afterwards
    deadlocks the workers, because polars' thread pool does not survive a fork."""

    def build() -> None:
        from django.db import close_old_connections

        from safehub.people.search.service import warm_up

        try:
            warm_up()
        finally:
            close_old_connections()

    if os.environ.get("SAFEHUB_WARM_UP_BLOCKING") == "1":
        build()
        return
    threading.Thread(target=build, name="search-warm-up", daemon=True).start()
