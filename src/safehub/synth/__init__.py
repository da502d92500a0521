"""Synthetic UK children's safeguarding partnership data (synthetic people only).

Pure Python, no Django. See ``docs/synth.md``.

>>> from pathlib import Path
>>> from safehub.synth import generate, read_extracts, read_ground_truth
>>> summary = generate(children=500, seed=1, out=Path("/tmp/synth"))  # doctest: +SKIP
"""

from .config import AGENCIES, FILES, GENERATOR_VERSION, REFERENCE_DATE
from .generator import Summary, generate
from .identifiers import nhs_is_valid, upn_check_letter, upn_is_valid
from .read import ExtractRecord, read_children, read_extracts, read_ground_truth

__all__ = [
    "AGENCIES",
    "FILES",
    "GENERATOR_VERSION",
    "REFERENCE_DATE",
    "ExtractRecord",
    "Summary",
    "generate",
    "nhs_is_valid",
    "read_children",
    "read_extracts",
    "read_ground_truth",
    "upn_check_letter",
    "upn_is_valid",
]
