from .fixtures import intake_world  # noqa: F401 - shared with tests/test_permission_matrix.py
