"""Reading agency files: pure functions, no database. The service layer decides what to store.

>>> spec = ProfileSpec.from_dict(yaml.safe_load(open("police_niche.yaml")))   # doctest: +SKIP
>>> check = check_file("police_niche.csv", spec, file="police_niche.csv", today=date.today())   # doctest: +SKIP
>>> check.problems   # every row error, each naming the file, sheet, row, column, value and reason   # doctest: +SKIP
"""

from .profile import (
    DEFAULT_DATE_FORMATS,
    FIELD_LABELS,
    FILE_KINDS,
    TARGET_FIELDS,
    ProfileError,
    ProfileSpec,
    describe_date_format,
)
from .readers import UnreadableFile
from .rows import (
    MAX_REPORTED_VALUE,
    MAX_VALUE_CHARS,
    FileCheck,
    ParsedRow,
    Preview,
    RowProblem,
    RowResult,
    check_file,
    parse_rows,
    read_preview,
    short,
)

__all__ = [
    "DEFAULT_DATE_FORMATS",
    "FIELD_LABELS",
    "FILE_KINDS",
    "MAX_REPORTED_VALUE",
    "MAX_VALUE_CHARS",
    "TARGET_FIELDS",
    "FileCheck",
    "ParsedRow",
    "Preview",
    "ProfileError",
    "ProfileSpec",
    "RowProblem",
    "RowResult",
    "UnreadableFile",
    "check_file",
    "describe_date_format",
    "parse_rows",
    "read_preview",
    "short",
]
