"""The version of kehoach-gen (recorded in every document it writes)."""

__version__ = "0.2.0"
