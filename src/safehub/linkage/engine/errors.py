"""Exceptions raised by the linkage engine."""

from __future__ import annotations

__all__ = ["LinkageError", "LinkageInputError", "SettingsError"]


class LinkageError(Exception):
    """Base class for linkage engine errors."""


class LinkageInputError(LinkageError, ValueError):
    """The records given to the engine cannot be used (missing ``unique_id``, duplicates, wrong type)."""


class SettingsError(LinkageError, ValueError):
    """A :class:`LinkageSettings` value is out of range or inconsistent; the message says which and why."""
