"""Errors every front end reports the same way: one line on stderr, exit code 2 (assistant/main.py)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad arguments; the message says what to give instead."""
