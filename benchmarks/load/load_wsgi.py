"""The app for gunicorn --preload: the search index is built once, before the workers fork, as `safehub serve` warms it."""

from django.core.wsgi import get_wsgi_application
from django.db import connections

application = get_wsgi_application()

from safehub.people.search.service import warm_up  # noqa: E402 - needs the app set up

warm_up()
connections.close_all()  # no connection may cross the fork
