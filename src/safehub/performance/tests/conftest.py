from .fixtures import performance_world, scorecard_world  # noqa: F401 - fixtures for this app's tests
