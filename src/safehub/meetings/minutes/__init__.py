"""The minutes importer: read .txt, .html, .pdf or .docx minutes and propose a meeting for review."""

from .parser import parse_lines, parse_minutes
from .readers import SUPPORTED, UnreadableMinutes, read_minutes
from .schema import ProposedAction, ProposedItem, ProposedMeeting, ProposedPerson

__all__ = [
    "SUPPORTED", "ProposedAction", "ProposedItem", "ProposedMeeting", "ProposedPerson", "UnreadableMinutes",
    "parse_lines", "parse_minutes", "read_minutes",
]
