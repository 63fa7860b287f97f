"""Shared fixtures for the unit tests."""

from __future__ import annotations

import pytest

from her2guide import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The packaged, validated catalogue."""
    return load_catalogue()


# Hypothesis: a fast profile for local runs, a thorough one when CI=true (tests that set
# max_examples themselves keep it).
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("dev", max_examples=60)
settings.register_profile("ci", max_examples=400)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")
