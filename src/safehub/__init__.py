"""safehub: one view of the child for a multi-agency safeguarding partnership."""

__version__ = "0.1.0"
