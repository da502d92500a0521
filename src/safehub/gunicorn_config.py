"""gunicorn settings for `safehub serve --production`: each worker builds its search index as it starts."""

from __future__ import annotations

import threading


def post_worker_init(worker) -> None:
    """Build the real-time search index in the background so the worker answers at once and the first search is fast."""

    def build() -> None:
        from django.db import close_old_connections

        from safehub.people.search.service import warm_up

        try:
            warm_up()
        finally:
            close_old_connections()

    threading.Thread(target=build, name="search-warm-up", daemon=True).start()
