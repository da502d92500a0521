from safehub.performance.tests.fixtures import performance_world, scorecard_world  # noqa: F401 - shared fixtures
