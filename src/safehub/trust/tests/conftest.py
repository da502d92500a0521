from safehub.trust.tests.fixtures import trust_world  # noqa: F401 - shared with the permission matrix
