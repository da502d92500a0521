from safehub.meetings.tests.fixtures import meetings_world  # noqa: F401 - shared with the permission matrix
