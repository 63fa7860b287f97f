"""Shared fixtures for the unit tests."""

from __future__ import annotations

import pytest

from her2guide import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The packaged, validated catalogue."""
    return load_catalogue()
