from .fixtures import scorecard_world  # noqa: F401 - the hand-built partnership for indicator tests
