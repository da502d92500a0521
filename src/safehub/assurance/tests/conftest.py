from safehub.assurance.tests.fixtures import assurance_world  # noqa: F401 - shared with the permission matrix
from safehub.meetings.tests.fixtures import meetings_world  # noqa: F401 - board meetings for the annual report
