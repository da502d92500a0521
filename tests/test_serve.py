"""`safehub serve` builds the search index before the first request (Django's server and each gunicorn worker)."""

from __future__ import annotations

import threading

import pytest


@pytest.mark.django_db
def test_gunicorn_worker_builds_the_search_index_in_the_background(monkeypatch):
    from safehub import gunicorn_config
    from safehub.people.search import service

    built = threading.Event()
    monkeypatch.setattr(service, "warm_up", lambda: built.set())
    gunicorn_config.post_worker_init(worker=None)
    assert built.wait(timeout=10)


def test_serve_warms_the_index_before_serving(monkeypatch):
    from django.core import management
    from typer.testing import CliRunner

    from safehub import cli
    from safehub.people.search import service

    calls = []

    class Index:
        def __len__(self):
            return 3

    monkeypatch.setattr(service, "warm_up", lambda: calls.append("warm_up") or Index())
    monkeypatch.setattr(management, "call_command", lambda *a, **k: calls.append(a[0]))
    result = CliRunner().invoke(cli.app, ["serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert calls == ["warm_up", "runserver"]
    assert "Search index ready: 3" in result.output


@pytest.mark.django_db
def test_the_load_test_can_ask_for_the_index_before_the_first_request(monkeypatch):
    from safehub import gunicorn_config
    from safehub.people.search import service

    calls = []
    monkeypatch.setenv("SAFEHUB_WARM_UP_BLOCKING", "1")
    monkeypatch.setattr(service, "warm_up", lambda: calls.append(threading.current_thread().name))
    gunicorn_config.post_worker_init(worker=None)
    assert calls == [threading.current_thread().name]  # built in the worker's own thread, before returning
