"""Storage is chosen by environment: local disk by default, S3-compatible storage by
configuration. Each case imports the settings in a fresh interpreter with its environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
django.setup()
from django.core.files.storage import storages
from django.conf import settings
storage = storages["evidence"]
print(json.dumps({
    "backend": settings.STORAGES["evidence"]["BACKEND"],
    "class": type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "acl": getattr(storage, "default_acl", None),
    "overwrite": getattr(storage, "file_overwrite", None),
    "location": str(getattr(storage, "location", "")),
    "base_url": getattr(storage, "_base_url", "unset"),
    "beat": settings.CELERY_BEAT_SCHEDULE["evidence-retention"]["task"],
    "max": settings.EVIDENCE_MAX_UPLOAD_BYTES,
}))
"""


def probe(**env: str) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("EVIDENCE_", "AWS_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="maturity_portal.settings.test", **env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_disk_by_default_outside_any_public_url(tmp_path):
    found = probe(EVIDENCE_ROOT=str(tmp_path / "files"), EVIDENCE_MAX_UPLOAD_BYTES="1000")
    assert found["class"] == "FileSystemStorage"
    assert found["location"] == str(tmp_path / "files")
    assert found["base_url"] is None
    assert found["beat"] == "evidence.tasks.expire_files"
    assert found["max"] == 1000


def test_s3_by_configuration_private_and_never_overwriting():
    found = probe(
        EVIDENCE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="portal-evidence",
        AWS_S3_REGION_NAME="eu-west-2",
    )
    assert found["backend"] == "storages.backends.s3.S3Storage"
    assert found["class"] == "S3Storage"
    assert (found["bucket"], found["acl"], found["overwrite"]) == (
        "portal-evidence",
        "private",
        False,
    )


def test_an_unknown_storage_is_refused_at_start_up():
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="maturity_portal.settings.test")
    environment["EVIDENCE_STORAGE"] = "ftp"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "EVIDENCE_STORAGE must be local or s3" in result.stderr
