"""PORTAL_STORAGE and the object store's settings, checked before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from partner_portal.platform.settings import load_settings
from tests.test_settings import GOOD_PRODUCTION as PRODUCTION
from tests.test_settings import problems

OBJECT_STORE = {
    "PORTAL_STORAGE": "s3://partnerportalen/filer",
    "PORTAL_S3_ENDPOINT_URL": "https://minio.botkyrka.se:9000",
    "PORTAL_S3_REGION": "eu-north-1",
    "PORTAL_S3_ACCESS_KEY_ID": "partnerportalen",
    "PORTAL_S3_SECRET_ACCESS_KEY": "hemlig-nyckel",
}


def test_the_local_directory_is_the_default(tmp_path: Path) -> None:
    settings = load_settings({"PORTAL_DATA_DIR": str(tmp_path)})

    assert settings.storage == "local"
    assert (settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key_id) == ("", "", "")


def test_an_object_store_in_production_starts_and_keeps_its_secret() -> None:
    settings = load_settings(PRODUCTION | OBJECT_STORE)

    assert settings.storage == "s3://partnerportalen/filer"
    assert settings.s3_endpoint_url == "https://minio.botkyrka.se:9000"
    assert str(settings.s3_secret_access_key) == "hemlig-nyckel"
    assert "hemlig-nyckel" not in repr(settings)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("LOCAL", "local"),
        ("s3://partnerportalen", "s3://partnerportalen"),
        ("s3://partnerportalen/", "s3://partnerportalen"),
        ("s3://partnerportalen/portal/filer/", "s3://partnerportalen/portal/filer"),
        ("s3://kommun.partnerportalen/filer", "s3://kommun.partnerportalen/filer"),
    ],
)
def test_the_store_is_written_out_in_one_form(given: str, kept: str, tmp_path: Path) -> None:
    settings = load_settings({"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_STORAGE": given})

    assert settings.storage == kept


@pytest.mark.parametrize(
    "value",
    [
        "disk",
        "/var/lib/partner-portal",
        "s3://",
        "s3://PartnerPortalen/filer",
        "s3://ab/filer",
        "s3://partner_portalen",
        "s3://partnerportalen/../etc",
        "s3://partnerportalen/filer?versionId=1",
        "https://partnerportalen.s3.amazonaws.com/filer",
    ],
)
def test_a_store_that_is_neither_local_nor_a_bucket_is_named(value: str, tmp_path: Path) -> None:
    [problem] = problems({"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_STORAGE": value})

    assert problem.startswith("PORTAL_STORAGE must be `local` or `s3://bucket/prefix`")


@pytest.mark.parametrize(
    "variable",
    [
        "PORTAL_S3_ENDPOINT_URL",
        "PORTAL_S3_REGION",
        "PORTAL_S3_ACCESS_KEY_ID",
        "PORTAL_S3_SECRET_ACCESS_KEY",
    ],
)
def test_an_object_store_setting_without_an_object_store_is_named(
    variable: str, tmp_path: Path
) -> None:
    environ = {"PORTAL_DATA_DIR": str(tmp_path), variable: OBJECT_STORE[variable]}

    found = problems(environ)

    assert found[0] == (
        f"{variable} is set but PORTAL_STORAGE is `local`: set PORTAL_STORAGE to "
        f"s3://bucket/prefix to use the object store, or unset {variable}."
    )


def test_the_keys_go_together(tmp_path: Path) -> None:
    environ = {"PORTAL_DATA_DIR": str(tmp_path), **OBJECT_STORE}
    del environ["PORTAL_S3_SECRET_ACCESS_KEY"]

    [problem] = problems(environ)

    assert "PORTAL_S3_ACCESS_KEY_ID and PORTAL_S3_SECRET_ACCESS_KEY go together" in problem


def test_without_keys_boto3_finds_its_own(tmp_path: Path) -> None:
    environ = {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_STORAGE": "s3://partnerportalen"}

    settings = load_settings(environ)

    assert (settings.s3_access_key_id, str(settings.s3_secret_access_key)) == ("", "")


@pytest.mark.parametrize(
    "value",
    [
        "minio.botkyrka.se:9000",
        "ftp://minio.botkyrka.se",
        "https://minio.botkyrka.se/partnerportalen",
        "https://nyckel:hemlig@minio.botkyrka.se",
        "https://minio.botkyrka.se:port",
    ],
)
def test_an_endpoint_that_is_no_address_is_named(value: str) -> None:
    found = problems(PRODUCTION | OBJECT_STORE | {"PORTAL_S3_ENDPOINT_URL": value})

    assert [p for p in found if p.startswith("PORTAL_S3_ENDPOINT_URL")] == [
        "PORTAL_S3_ENDPOINT_URL must be the store's address, http(s)://host[:port] "
        f"(no path, no credentials), got {value!r}."
    ]


def test_production_refuses_an_object_store_over_plain_http() -> None:
    endpoint = "http://minio.botkyrka.se:9000"

    [problem] = problems(PRODUCTION | OBJECT_STORE | {"PORTAL_S3_ENDPOINT_URL": endpoint})

    assert problem.startswith("PORTAL_S3_ENDPOINT_URL must use https in production")


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:9000", "http://localhost:9000"])
def test_production_accepts_plain_http_on_the_host_itself(endpoint: str) -> None:
    settings = load_settings(PRODUCTION | OBJECT_STORE | {"PORTAL_S3_ENDPOINT_URL": endpoint})

    assert settings.s3_endpoint_url == endpoint


def test_development_accepts_plain_http_anywhere(tmp_path: Path) -> None:
    endpoint = "http://minio.test:9000/"
    environ = {"PORTAL_DATA_DIR": str(tmp_path), **OBJECT_STORE}

    settings = load_settings(environ | {"PORTAL_S3_ENDPOINT_URL": endpoint})

    assert settings.s3_endpoint_url == "http://minio.test:9000"


def test_a_region_that_is_no_region_is_named(tmp_path: Path) -> None:
    environ = {"PORTAL_DATA_DIR": str(tmp_path), **OBJECT_STORE, "PORTAL_S3_REGION": "Stockholm 1"}

    assert problems(environ) == [
        "PORTAL_S3_REGION must be a region name such as eu-north-1, got 'Stockholm 1'."
    ]
