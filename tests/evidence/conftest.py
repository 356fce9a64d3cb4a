from pathlib import Path

import pytest

from tests.assessments.conftest import (  # noqa: F401 - shared fixtures
    assessment,
    open_round,
    other_assessment,
    tenants,
    version,
)

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(autouse=True)
def evidence_storage_root(settings, tmp_path):
    """Each test stores evidence in its own folder, so 'nothing stored' can be checked."""
    root = tmp_path / "evidence-storage"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]
