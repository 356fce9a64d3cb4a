"""Where evidence files live: the `evidence` entry of STORAGES (local disk outside any served
folder by default, S3-compatible storage when EVIDENCE_STORAGE=s3). Names are random; the
uploader's name is kept only in the database."""

import secrets

from django.core.files.storage import Storage, storages

STORAGE_ALIAS = "evidence"


def evidence_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def stored_name_new(*, authority_id: int) -> str:
    """A fresh random name: the authority's folder (for operators), 32 random hex characters, no
    extension (nothing about the file's content or its uploader's name)."""
    return f"authority-{authority_id}/{secrets.token_hex(16)}"
