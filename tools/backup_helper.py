"""The Django-aware half of tools/backup and tools/restore (run by them, not by hand).

    backup_helper.py pg-env             PGHOST ... PGDATABASE assignments from DATABASE_URL
    backup_helper.py storages           one line per file storage: alias, kind, location
    backup_helper.py dump-summary       reads pg_restore's SQL text on stdin; prints row counts,
                                        migrations and versions as JSON
    backup_helper.py manifest DIR       writes DIR/manifest.json from DIR's dump and archives
    backup_helper.py check-target DIR   refuses a database with tables or a non-empty folder
    backup_helper.py verify DIR         compares the restored database and files with the manifest

Settings come from DJANGO_SETTINGS_MODULE (default maturity_portal.settings.local) and the
environment, as for manage.py.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_FORMAT = 1


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_portal.settings.local")
    import django

    django.setup()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- pg-env --------------------------------------------------------------------------------------


def pg_env() -> int:
    """PG* variables for pg_dump/pg_restore, so the password never appears on a command line."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        print("DATABASE_URL must point at PostgreSQL (postgres://...)", file=sys.stderr)
        return 2
    values = {
        "PGHOST": parts.hostname or "",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": unquote(parts.path.lstrip("/")),
    }
    for name, value in values.items():
        if value:
            print(f"export {name}={shlex.quote(value)}")
    return 0


# --- storages ------------------------------------------------------------------------------------


def _file_storages() -> dict[str, dict[str, str]]:
    """Every configured storage but the static files: its kind and, for local ones, its folder."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage, storages

    found: dict[str, dict[str, str]] = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        backend = f"{type(storage).__module__}.{type(storage).__qualname__}"
        if isinstance(storage, FileSystemStorage):
            found[alias] = {"kind": "local", "backend": backend, "location": storage.location}
        elif "s3" in backend.lower():
            bucket = getattr(storage, "bucket_name", "")
            prefix = getattr(storage, "location", "")
            found[alias] = {"kind": "s3", "backend": backend, "location": f"s3://{bucket}/{prefix}"}
        else:
            found[alias] = {"kind": "other", "backend": backend, "location": ""}
    return found


def storages_list() -> int:
    _django()
    for alias, info in _file_storages().items():
        print(f"{alias}\t{info['kind']}\t{info['location']}")
    return 0


# --- dump-summary --------------------------------------------------------------------------------

COPY_LINE = re.compile(r"^COPY (?P<table>\S+) \((?P<columns>.*)\) FROM stdin;$")
VERSION_LINE = re.compile(r"^-- Dumped (from database|by pg_dump) version (?P<version>\S+)")


def _table_name(qualified: str) -> str:
    name = qualified.split(".", 1)[-1]
    return name.strip('"')


def dump_summary(stream) -> dict:
    """Row counts per table and the applied migrations, read from the dump's own COPY blocks: the
    counts are those of the snapshot pg_dump took, whatever was written while it ran."""
    counts: dict[str, int] = {}
    migrations: list[str] = []
    versions: dict[str, str] = {}
    table = None
    columns: list[str] = []
    rows = 0
    for raw in stream:
        line = raw.rstrip("\n")
        if table is None:
            match = COPY_LINE.match(line)
            if match:
                table = _table_name(match["table"])
                columns = [c.strip().strip('"') for c in match["columns"].split(",")]
                rows = 0
                continue
            match = VERSION_LINE.match(line)
            if match:
                key = "server" if match.group(1) == "from database" else "pg_dump"
                versions[key] = match["version"]
            continue
        if line == "\\.":
            counts[table] = rows
            table = None
            continue
        rows += 1
        if table == "django_migrations":
            values = dict(zip(columns, line.split("\t"), strict=False))
            migrations.append(f"{values['app']}.{values['name']}")
    return {
        "row_counts": dict(sorted(counts.items())),
        "migrations": sorted(migrations),
        **versions,
    }


# --- manifest ------------------------------------------------------------------------------------


def _app_version() -> dict[str, str | None]:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    commit = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = (
            subprocess.run(  # noqa: S603
                ["git", "-C", str(ROOT), "rev-parse", "HEAD"],  # noqa: S607
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.strip()
            or None
        )
    return {"version": version, "commit": commit}


def _archive_files(archive: Path) -> dict[str, dict[str, int | str]]:
    files: dict[str, dict[str, int | str]] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            handle = tar.extractfile(member)
            digest = hashlib.sha256()
            for chunk in iter(lambda h=handle: h.read(1024 * 1024), b""):
                digest.update(chunk)
            name = member.name[2:] if member.name.startswith("./") else member.name
            files[name] = {"sha256": digest.hexdigest(), "bytes": member.size}
    return dict(sorted(files.items()))


def manifest_write(directory: Path) -> int:
    _django()
    summary = json.loads((directory / ".database-summary.json").read_text())
    dump = directory / "database.dump"
    manifest: dict = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "app": _app_version(),
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        "database": {
            "file": dump.name,
            "sha256": _sha256_file(dump),
            "bytes": dump.stat().st_size,
            "server_version": summary.get("server"),
            "pg_dump_version": summary.get("pg_dump"),
            "migrations": summary["migrations"],
            "row_counts": summary["row_counts"],
        },
        "storages": {},
    }
    for alias, info in _file_storages().items():
        entry: dict = {
            "kind": info["kind"],
            "backend": info["backend"],
            "location": info["location"],
        }
        archive = directory / f"files-{alias}.tar.gz"
        if info["kind"] == "local" and archive.exists():
            entry.update(
                archive=archive.name,
                archive_sha256=_sha256_file(archive),
                files=_archive_files(archive),
            )
        else:
            entry["archive"] = None
            entry["note"] = "not archived by tools/backup: back up this storage with its own tools"
        manifest["storages"][alias] = entry
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    db = manifest["database"]
    total_files = sum(len(s.get("files", {})) for s in manifest["storages"].values())
    print(
        f"manifest: {len(db['row_counts'])} tables, {sum(db['row_counts'].values())} rows, "
        f"{len(db['migrations'])} migrations, {total_files} files"
    )
    return 0


# --- check-target ------------------------------------------------------------------------------


def check_target(directory: Path) -> int:
    _django()
    from django.db import connection

    manifest = json.loads((directory / "manifest.json").read_text())
    problems = []
    if connection.vendor != "postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL")
    else:
        tables = connection.introspection.table_names()
        if tables:
            problems.append(
                f"the database {connection.settings_dict['NAME']} is not empty "
                f"({len(tables)} tables): restore only into a new, empty database"
            )
        source = str(manifest["database"].get("server_version") or "")
        source_major = int(source.split(".")[0]) if source[:1].isdigit() else 0
        target_major = connection.pg_version // 10000
        if source_major and target_major < source_major:
            problems.append(
                f"the backup comes from PostgreSQL {source}; this server is {target_major}: "
                "restore into the same or a newer major version"
            )
    storages = _file_storages()
    for alias, entry in manifest["storages"].items():
        if not entry.get("archive"):
            continue
        target = storages.get(alias)
        if target is None or target["kind"] != "local":
            problems.append(
                f"storage {alias!r} is not a local folder here: cannot unpack its files"
            )
            continue
        location = Path(target["location"])
        if location.exists() and any(location.iterdir()):
            problems.append(f"storage {alias!r}: {location} is not empty")
    for problem in problems:
        print(f"refused: {problem}", file=sys.stderr)
    return 1 if problems else 0


# --- verify --------------------------------------------------------------------------------------


def _check_migrations(manifest: dict, report: list[str], notes: list[str]) -> None:
    from django.db import connection
    from django.db.migrations.exceptions import InconsistentMigrationHistory
    from django.db.migrations.loader import MigrationLoader

    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    expected = manifest["database"]["migrations"]
    if applied != expected:
        missing = sorted(set(expected) - set(applied))
        extra = sorted(set(applied) - set(expected))
        report.append(f"migrations differ from the manifest: missing {missing}, extra {extra}")
    loader = MigrationLoader(connection)
    try:
        loader.check_consistent_history(connection)
    except InconsistentMigrationHistory as exc:
        report.append(f"inconsistent migration history: {exc}")
    pending = [
        f"{app}.{name}"
        for app, name in loader.graph.leaf_nodes()
        if (app, name) not in loader.applied_migrations
    ]
    unknown = [
        key
        for key in loader.applied_migrations
        if key not in loader.graph.nodes and key[0] in loader.migrated_apps
    ]
    if pending:
        notes.append(
            f"this code has migrations the backup does not ({', '.join(sorted(pending))}): "
            "run `manage.py migrate` after the restore"
        )
    if unknown:
        notes.append(
            f"the backup has migrations this code does not know ({len(unknown)}): restore with "
            "the application version named in the manifest"
        )


def _check_rows(manifest: dict, report: list[str]) -> int:
    from django.db import connection

    expected = manifest["database"]["row_counts"]
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, count in expected.items():
            if table not in tables:
                report.append(f"table {table} is missing")
                continue
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - names from the db
            found = cursor.fetchone()[0]
            if found != count:
                report.append(f"table {table}: {found} rows, the manifest says {count}")
    for table in sorted(tables - set(expected)):
        report.append(f"table {table} is not in the manifest")
    return len(expected)


def _check_files(manifest: dict, report: list[str]) -> int:
    storages = _file_storages()
    checked = 0
    for alias, entry in manifest["storages"].items():
        files = entry.get("files")
        if files is None:
            continue
        target = storages.get(alias)
        if target is None or target["kind"] != "local":
            report.append(f"storage {alias!r} is not a local folder here")
            continue
        location = Path(target["location"])
        present = (
            {
                path.relative_to(location).as_posix()
                for path in location.rglob("*")
                if path.is_file()
            }
            if location.exists()
            else set()
        )
        for name, info in files.items():
            path = location / name
            if name not in present:
                report.append(f"storage {alias!r}: {name} is missing")
                continue
            if _sha256_file(path) != info["sha256"]:
                report.append(f"storage {alias!r}: {name} does not match its checksum")
            checked += 1
        for name in sorted(present - set(files)):
            report.append(f"storage {alias!r}: {name} is not in the manifest")
    return checked


# Records that name a file in a storage: (model, field with the stored name, storage alias, field
# with the file's SHA-256 or None).
FILE_RECORDS = (
    ("evidence.EvidenceItem", "stored_name", "evidence", "sha256"),
    ("reports.Report", "stored_name", "reports", None),
)


def _check_records(report: list[str]) -> int:
    """Every file the restored records name is in its storage; evidence files still match the
    SHA-256 recorded at upload. Django FileFields, if any model has one, are checked too."""
    from django.apps import apps
    from django.conf import settings
    from django.core.files.storage import storages
    from django.db import connection, models

    # A backup from an older version may lack a table this code knows: nothing to check there.
    tables = set(connection.introspection.table_names())
    checked = 0
    for label, name_field, alias, sha_field in FILE_RECORDS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if alias not in settings.STORAGES or model._meta.db_table not in tables:
            continue
        storage = storages[alias]
        fields = ["pk", name_field] + ([sha_field] if sha_field else [])
        for row in model._default_manager.exclude(**{name_field: ""}).values_list(*fields):
            pk, name = row[0], row[1]
            if not storage.exists(name):
                report.append(f"{label} {pk}: its file {name} is missing")
                continue
            if sha_field and row[2]:
                digest = hashlib.sha256()
                with storage.open(name, "rb") as handle:
                    for chunk in iter(lambda h=handle: h.read(1024 * 1024), b""):
                        digest.update(chunk)
                if digest.hexdigest() != row[2]:
                    report.append(f"{label} {pk}: its file {name} does not match its SHA-256")
            checked += 1
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            names = model._default_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for pk, name in names.values_list("pk", field.name):
                if not field.storage.exists(name):
                    report.append(f"{model._meta.label} {pk}: its file {name} is missing")
                checked += 1
    return checked


def verify(directory: Path) -> int:
    _django()
    manifest = json.loads((directory / "manifest.json").read_text())
    report: list[str] = []
    notes: list[str] = []
    _check_migrations(manifest, report, notes)
    tables = _check_rows(manifest, report)
    files = _check_files(manifest, report)
    records = _check_records(report)
    for note in notes:
        print(f"note: {note}")
    for problem in report:
        print(f"MISMATCH: {problem}", file=sys.stderr)
    if report:
        print(f"verify: {len(report)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"verify: ok: {len(manifest['database']['migrations'])} migrations, {tables} tables' row "
        f"counts, {files} archived files' checksums, {records} files named by records"
    )
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    command, *rest = argv
    if command == "pg-env":
        return pg_env()
    if command == "storages":
        return storages_list()
    if command == "dump-summary":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        print(json.dumps(dump_summary(stream), indent=2))
        return 0
    if command in {"manifest", "check-target", "verify"} and len(rest) == 1:
        directory = Path(rest[0])
        return {"manifest": manifest_write, "check-target": check_target, "verify": verify}[
            command
        ](directory)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
