"""The app gunicorn serves in the load test. Each worker builds its search index before taking requests
(safehub.gunicorn_config with SAFEHUB_WARM_UP_BLOCKING=1), as `safehub serve --production` does in the background: the
index must not be built before the fork (`--preload`), because polars' thread pool does not survive a fork and the
workers' first searches then hang."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
