"""manage.py load_authorities PATH: load the reference list of English authorities from CSV
(ons_code,name,kind,region). Idempotent: creates what is missing, updates names, kinds and regions,
never deletes an authority that has data, never touches demo authorities. The whole file is checked
first; on any error nothing is written."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Authority, AuthorityKind, Region

REQUIRED_COLUMNS = ("ons_code", "name", "kind", "region")
CODE_PATTERN = re.compile(r"^E\d{8}$")
REGION_BY_LABEL = {label.lower(): value for value, label in Region.choices}


@dataclass(frozen=True)
class Row:
    line: int
    ons_code: str
    name: str
    kind: str
    region: str


def parse(path: Path) -> list[Row]:
    """Every row, checked. Raises CommandError naming each problem with its line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(
            f"{path} must have the columns {', '.join(REQUIRED_COLUMNS)}; missing: "
            f"{', '.join(missing)}"
        )
    rows, problems, seen = [], [], {}
    for number, record in enumerate(reader, start=2):
        code = (record.get("ons_code") or "").strip().upper()
        name = " ".join((record.get("name") or "").split())
        kind = (record.get("kind") or "").strip()
        region_text = (record.get("region") or "").strip()
        region = REGION_BY_LABEL.get(region_text.lower()) or (
            region_text if region_text in Region.values else ""
        )
        if not CODE_PATTERN.match(code):
            problems.append(f"line {number}: ONS code {code!r} is not like E06000001")
        if not name:
            problems.append(f"line {number}: the name is empty")
        if kind not in AuthorityKind.values:
            problems.append(
                f"line {number}: kind {kind!r} is not one of {', '.join(AuthorityKind.values)}"
            )
        if not region:
            problems.append(f"line {number}: region {region_text!r} is not an English region")
        if code in seen:
            problems.append(f"line {number}: ONS code {code} is also on line {seen[code]}")
        seen.setdefault(code, number)
        rows.append(Row(number, code, name, kind, region))
    if problems:
        raise CommandError(
            f"{path} has {len(problems)} problem(s); nothing was loaded:\n  "
            + "\n  ".join(problems)
        )
    if not rows:
        raise CommandError(f"{path} has no authorities; nothing was loaded.")
    return rows


def has_data(authority: Authority) -> bool:
    """Whether any row elsewhere points at this authority (memberships, invitations, and whatever
    tenant-owned tables later features add)."""
    for relation in authority._meta.related_objects:
        if relation.many_to_many or relation.one_to_many or relation.one_to_one:
            model = relation.related_model
            name = relation.field.name
            if model._default_manager.filter(**{name: authority}).exists():
                return True
    return False


class Command(BaseCommand):
    help = "Load or update the reference list of authorities from a CSV file (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="CSV with ons_code,name,kind,region")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete authorities that are not in the file and have no data (never demo ones).",
        )

    def handle(self, *args, path: Path, prune: bool, **options) -> None:
        rows = parse(path)
        demo_codes = set(Authority.objects.filter(is_demo=True).values_list("ons_code", flat=True))
        clash = sorted(r.ons_code for r in rows if r.ons_code in demo_codes)
        if clash:
            raise CommandError(
                f"{path} names demo authorities ({', '.join(clash)}); nothing was loaded."
            )
        created, updated, unchanged = [], [], []
        with transaction.atomic():
            existing = {a.ons_code: a for a in Authority.objects.filter(is_demo=False)}
            for row in rows:
                authority = existing.get(row.ons_code)
                if authority is None:
                    authority = Authority(
                        ons_code=row.ons_code, name=row.name, kind=row.kind, region=row.region
                    )
                    authority.full_clean()
                    authority.save()
                    created.append(authority)
                    continue
                changes = {
                    k: v
                    for k, v in (("name", row.name), ("kind", row.kind), ("region", row.region))
                    if getattr(authority, k) != v
                }
                if not changes:
                    unchanged.append(authority)
                    continue
                for key, value in changes.items():
                    setattr(authority, key, value)
                authority.full_clean()
                authority.save(update_fields=[*changes, "updated_at"])
                updated.append((authority, changes))
            in_file = {r.ons_code for r in rows}
            absent = [a for code, a in sorted(existing.items()) if code not in in_file]
            removed, kept = [], []
            for authority in absent:
                if prune and not has_data(authority):
                    removed.append(authority)
                    authority.delete()
                else:
                    kept.append(authority)

        self.stdout.write(
            f"Authorities from {path.name}: {len(created)} created, {len(updated)} updated, "
            f"{len(unchanged)} unchanged, {len(kept)} kept (not in the file)"
            + (f", {len(removed)} removed (not in the file, no data)" if prune else "")
            + "."
        )
        for authority, changes in updated:
            self.stdout.write(f"  updated {authority.ons_code}: {', '.join(changes)}")
        for authority in kept:
            reason = "has data" if has_data(authority) else "use --prune to remove"
            self.stdout.write(f"  kept {authority.ons_code} {authority.name} ({reason})")
        for authority in removed:
            self.stdout.write(f"  removed {authority.ons_code} {authority.name}")
