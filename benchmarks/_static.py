"""Collected static files shared by the benchmark scripts (a helper, not a benchmark).

The production settings serve pages through WhiteNoise's compressed manifest storage, so a page
needs ``collectstatic`` to have run; compressing every file takes minutes on a small machine.
The scripts therefore collect once into ``var/bench-static/<key>`` and reuse it while nothing that
goes into it has changed (the key hashes the names and contents of the repository's static
files and the requirements). Delete ``var/bench-static`` to collect afresh.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench-static"


def _key() -> str:
    digest = hashlib.sha256()
    sources = [ROOT / "static", *sorted(ROOT.glob("*/static")), ROOT / "requirements"]
    for base in sources:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(ROOT)}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def collected_static(env: dict[str, str]) -> Path:
    """A STATIC_ROOT holding the collected files (collected now unless already there)."""
    target = CACHE / _key()
    if (target / "staticfiles.json").exists():
        print(f"Static files: reusing {target.relative_to(ROOT)}", flush=True)
        return target
    shutil.rmtree(CACHE, ignore_errors=True)  # older keys
    partial = CACHE / f"{target.name}.partial"
    print(f"Static files: collecting into {target.relative_to(ROOT)} (once)...", flush=True)
    completed = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(partial)},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if completed.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise SystemExit(
            f"collectstatic failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
        )
    partial.rename(target)
    return target
