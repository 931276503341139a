"""Shared pytest configuration: hypothesis profile, network marker, data mirror."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent

# Deterministic property tests in CI (same examples every run); more examples on demand.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("RISKKIT_NETWORK_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs internet; set RISKKIT_NETWORK_TESTS=1 to run")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The offline data mirror: $RISKKIT_DATA_MIRROR, else ../shared/data beside the repo."""
    env = os.environ.get("RISKKIT_DATA_MIRROR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    for path in candidates:
        if path.is_dir():
            return path
    pytest.skip(
        "no data mirror: set RISKKIT_DATA_MIRROR to a folder holding the registered files "
        f"(tried {', '.join(map(str, candidates))})"
    )
