from .fixtures import network_world  # noqa: F401 - shared fixture
