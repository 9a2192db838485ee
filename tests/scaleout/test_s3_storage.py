"""Uploads in an S3-compatible store (issue #20 item 3, ADR 0022): the same EncryptedStorage wrapping
django-storages' S3 storage, against moto's S3 server started here. Files filed through the real pages and API
are ciphertext in the bucket, and staff download the original bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.privacy.test_files_at_rest import downloads, filed_through_the_pages, filer, windows
from tests.scaleout.conftest import free_port
from tests.support.desk import Desk
from xiaobao.privacy import streaming

pytestmark = pytest.mark.django_db

__all__ = ["filer"]  # the fixture, used by name below

BUCKET = "xiaobao-uploads"
CREDENTIALS = {"access_key": "test-access", "secret_key": "test-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server (its server mode: real HTTP on a port of its own), for the module."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any) -> Any:
    """An empty bucket, and the file storage of the settings pointed at it (XIAOBAO_FILE_STORAGE and its
    options, as a deployment sets them)."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )
    existing = [b["Name"] for b in client.list_buckets()["Buckets"]]
    if BUCKET in existing:
        for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    else:
        client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "xiaobao.privacy.storage.EncryptedStorage",
            "OPTIONS": {
                "inner": {
                    "BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, **CREDENTIALS},
                }
            },
        },
    }
    return client


def objects_in(client: Any) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed}


def test_uploads_are_ciphertext_in_the_bucket_and_download_whole(filer: Any, desk: Desk, bucket: Any) -> None:
    # given complaint attachments and claim documents filed through the portal and the API
    originals = filed_through_the_pages(filer, desk)

    # then each is an object in the bucket, encrypted: none of the original bytes are there
    stored = objects_in(bucket)
    assert len(stored) == len(originals)
    for content in stored.values():
        assert content.startswith(streaming.MAGIC)
    seen = set().union(*(windows(content) for content in stored.values()))
    for name, original in originals.items():
        assert not windows(original) & seen, f"bytes of {name} are readable in the bucket"
    # and staff download the original bytes, read back from the bucket
    assert downloads(desk) == originals


def test_an_object_changed_in_the_bucket_is_refused(filer: Any, desk: Desk, bucket: Any) -> None:
    from django.test import Client

    from tests.workbench.test_claim_pages import signed_in
    from xiaobao.complaints.models import Attachment

    # given a stored attachment whose object someone changed by one byte in the bucket
    filed_through_the_pages(filer, desk)
    kept = Attachment.objects.first()
    assert kept is not None
    raw = bytearray(bucket.get_object(Bucket=BUCKET, Key=kept.file.name)["Body"].read())
    raw[len(raw) // 2] ^= 0x01
    bucket.put_object(Bucket=BUCKET, Key=kept.file.name, Body=bytes(raw))

    # when staff download it, then it is refused and none of it is served
    staff = signed_in(Client(), desk.supervisor)
    response = staff.get(
        f"/workbench/complaints/{kept.complaint_id}/attachments/{kept.pk}/?download=1", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "changed or damaged, so none of it is served" in response.content.decode()
