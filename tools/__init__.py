"""Build-time helpers for her2guide (not part of the installed package)."""
