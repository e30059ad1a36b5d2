"""A real S3-compatible server on loopback for the tests: moto's server mode, in a process of its
own (as MinIO or Ceph would be), so that what the portal's process holds in memory is its own.

``python -m tests.s3_server`` serves on a free port of 127.0.0.1, prints the port, and stops
when its standard input closes (so it never outlives the tests that started it).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.datastructures import Secret

ROOT = Path(__file__).resolve().parents[1]
# The two stores a test of files runs on (tests/attachments, tests/consultations).
STORES = ("local", "s3")

BUCKET = "portal-test"
KEY_ID = "test-key-id"
SECRET = "test-secret-access-key"  # moto accepts any


@dataclass(frozen=True, slots=True)
class S3Server:
    endpoint: str

    def environment(self, prefix: str | None = None) -> dict[str, str]:
        """The PORTAL_* settings of a store in the test bucket, under a prefix of its own."""
        return {
            "PORTAL_STORAGE": f"s3://{BUCKET}/{prefix or 'test-' + uuid.uuid4().hex[:12]}",
            "PORTAL_S3_ENDPOINT_URL": self.endpoint,
            "PORTAL_S3_ACCESS_KEY_ID": KEY_ID,
            "PORTAL_S3_SECRET_ACCESS_KEY": SECRET,
            "PORTAL_S3_REGION": "eu-north-1",
        }

    def settings_changes(self, prefix: str | None = None) -> dict[str, object]:
        """The same, as the fields of Settings (for ``replace``)."""
        return {
            name.removeprefix("PORTAL_").lower(): (Secret(value) if "SECRET" in name else value)
            for name, value in self.environment(prefix).items()
        }


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """The server, with the test bucket made."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.s3_server"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *_python_path()])},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"the S3 test server did not start: {line!r}")
        server = S3Server(f"http://127.0.0.1:{line}")
        _make_bucket(server)
        yield server
    finally:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _python_path() -> list[str]:
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def both_stores(request: pytest.FixtureRequest) -> dict[str, str]:
    """The ``store_environment`` of a test run once per store in STORES (``request.param``):
    the local store's is empty, the object store's a prefix of its own in the test bucket."""
    if request.param == "local":
        return {}
    server: S3Server = request.getfixturevalue("s3_server")
    return server.environment()


def _make_bucket(server: S3Server) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        region_name="eu-north-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    client.close()


def main() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()  # until the tests close it (or end)
    server.stop()


if __name__ == "__main__":
    main()
