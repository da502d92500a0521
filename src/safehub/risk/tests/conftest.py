from .fixtures import risk_world  # noqa: F401 - shared fixture
