from safehub.missing.tests.fixtures import missing_world  # noqa: F401 - episodes for the inspection tests
from safehub.trust.tests.fixtures import inspection, trust_world  # noqa: F401 - shared with the permission matrix
