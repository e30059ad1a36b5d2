"""Every test of files runs on both stores: the data directory and an S3-compatible server."""

from __future__ import annotations

import pytest

from tests.s3_server import STORES, both_stores


@pytest.fixture(params=STORES)
def store_environment(request: pytest.FixtureRequest) -> dict[str, str]:
    return both_stores(request)
