"""Offline validation of docker-compose.yml (there is no Docker engine in CI).

    .venv/bin/python deploy/validate_compose.py [docker-compose.yml] [--env-file FILE]
    deploy/validate-compose                      (the same, finding the interpreter itself)

Two checks, also run by tests/deploy:

1. The Compose Specification's JSON schema (deploy/compose-spec.json, see
   deploy/compose-spec.LICENSE for where it comes from). As Docker Compose does, the file is
   validated after its ${VARIABLE} interpolation, with the variables of an env file (by default
   deploy/compose.env.example, blanks filled with placeholders).
2. The portal's production shape: the services, one image for every portal process, health
   checks, named volumes, start-up order, loopback publishing and no secrets written inline.

Needs PyYAML and jsonschema (both in requirements/dev.txt).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema.validators import Draft7Validator, validator_for

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = ROOT / "deploy" / "compose-spec.json"
EXAMPLE_ENV_FILE = ROOT / "deploy" / "compose.env.example"

PORTAL_SERVICES = ("web", "worker", "beat")
REQUIRED_SERVICES = ("postgres", "redis", *PORTAL_SERVICES)
MIGRATE_SERVICE = "migrate"
EVIDENCE_VOLUME = "evidence"
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|PRIVATE_KEY|ACCESS_KEY", re.IGNORECASE)
# Filled in for variables that an env file leaves blank, so required ones can be checked.
PLACEHOLDER = "placeholder-value-for-validation"


class InterpolationError(ValueError):
    """A required variable is unset (${VAR:?message}) or the syntax is not Compose's."""


# --- Loading ---------------------------------------------------------------------------------


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: the top level must be a mapping")
    return document


def load_schema(path: Path = SCHEMA_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as Compose reads a simple .env file: comments and blanks skipped, values
    unquoted. (Compose also interpolates values; the example file needs none of that.)"""
    variables: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", key):
            raise ValueError(f"{path}:{number}: not a KEY=VALUE line: {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        variables[key] = value
    return variables


def validation_environment(env_file: Path = EXAMPLE_ENV_FILE) -> dict[str, str]:
    """The env file's variables, with blank ones (the secrets to fill in) given placeholders."""
    return {key: value or PLACEHOLDER for key, value in read_env_file(env_file).items()}


# --- Interpolation (the Compose Specification's ${...} syntax) -------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def interpolate_string(text: str, env: Mapping[str, str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$":
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if nxt == "$":  # $$ is a literal $
            out.append("$")
            i += 2
        elif nxt == "{":
            end = _closing_brace(text, i + 2)
            out.append(_expand(text[i + 2 : end], env))
            i = end + 1
        else:
            match = _NAME.match(text, i + 1)
            if not match:
                raise InterpolationError(f"invalid interpolation format in {text!r}")
            out.append(env.get(match.group(), ""))
            i = match.end()
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise InterpolationError(f"unclosed ${{ in {text!r}")


def _expand(expression: str, env: Mapping[str, str]) -> str:
    match = _NAME.match(expression)
    if not match:
        raise InterpolationError(f"invalid interpolation format: ${{{expression}}}")
    name, rest = match.group(), expression[match.end() :]
    value = env.get(name)
    if not rest:
        return value or ""
    for operator in (":-", ":?", ":+", "-", "?", "+"):
        if rest.startswith(operator):
            argument = interpolate_string(rest[len(operator) :], env)
            unset_or_empty = not value if operator.startswith(":") else value is None
            if operator.endswith("-"):
                return argument if unset_or_empty else value or ""
            if operator.endswith("?"):
                if unset_or_empty:
                    raise InterpolationError(f"required variable {name} is missing: {argument}")
                return value or ""
            return "" if unset_or_empty else argument
    raise InterpolationError(f"invalid interpolation format: ${{{expression}}}")


def interpolate(node: Any, env: Mapping[str, str]) -> Any:
    """Interpolates every string value (not the keys), as Compose does."""
    if isinstance(node, str):
        return interpolate_string(node, env)
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    return node


def referenced_variables(node: Any) -> dict[str, bool]:
    """Every ${VAR} the file refers to, mapped to whether it is required (${VAR:?...})."""
    found: dict[str, bool] = {}
    if isinstance(node, str):
        text = node.replace("$$", "")
        for match in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?])?", text):
            found[match.group(1)] = found.get(match.group(1), False) or bool(match.group(2))
        for match in re.finditer(r"\$([A-Za-z_][A-Za-z0-9_]*)", text):
            found.setdefault(match.group(1), False)
    elif isinstance(node, list):
        for item in node:
            for name, required in referenced_variables(item).items():
                found[name] = found.get(name, False) or required
    elif isinstance(node, dict):
        for value in node.values():
            for name, required in referenced_variables(value).items():
                found[name] = found.get(name, False) or required
    return found


# --- Check 1: the Compose Specification schema -------------------------------------------------


def schema_errors(document: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    # The schema declares draft-07 by a URL jsonschema does not recognise; say so explicitly.
    declared = str(schema.get("$schema", ""))
    validator_class = Draft7Validator if "draft-07" in declared else validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in errors
    ]


# --- Check 2: the portal's production shape ----------------------------------------------------


def _depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):
        return dict.fromkeys(depends, "service_started")
    return {
        name: (spec or {}).get("condition", "service_started") for name, spec in depends.items()
    }


def _named_volume_mounts(service: Mapping[str, Any]) -> dict[str, str]:
    """Named volume -> container path (short and long syntax; bind mounts ignored)."""
    mounts: dict[str, str] = {}
    for entry in service.get("volumes") or []:
        if isinstance(entry, str):
            parts = entry.split(":")
            if len(parts) >= 2 and not parts[0].startswith((".", "/", "~")):
                mounts[parts[0]] = parts[1]
        elif isinstance(entry, dict) and entry.get("type") == "volume" and entry.get("source"):
            mounts[entry["source"]] = entry.get("target", "")
    return mounts


def _environment(service: Mapping[str, Any]) -> dict[str, Any]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
    return dict(environment)


def _healthcheck_command(service: Mapping[str, Any]) -> list[str] | str | None:
    healthcheck = service.get("healthcheck") or {}
    if healthcheck.get("disable") in (True, "true"):
        return None
    test = healthcheck.get("test")
    if not test or test == "NONE" or (isinstance(test, list) and test[:1] == ["NONE"]):
        return None
    return test


def shape_problems(raw: Mapping[str, Any], interpolated: Mapping[str, Any]) -> list[str]:
    """Production-shape rules. `raw` is the file as written (to see which values come from
    variables), `interpolated` the file as Compose would run it."""
    problems: list[str] = []
    services: Mapping[str, Any] = interpolated.get("services") or {}
    raw_services: Mapping[str, Any] = raw.get("services") or {}
    declared_volumes = set((interpolated.get("volumes") or {}).keys())

    for name in (*REQUIRED_SERVICES, MIGRATE_SERVICE):
        if name not in services:
            problems.append(f"service {name!r} is missing")
    if problems:
        return problems

    # References resolve: what a service waits for and the named volumes it mounts exist.
    for name, service in services.items():
        for dependency in _depends_on(service):
            if dependency not in services:
                problems.append(f"{name} depends on {dependency!r}, which is not a service")
        for volume in _named_volume_mounts(service):
            if volume not in declared_volumes:
                problems.append(f"{name} mounts volume {volume!r}, which is not declared")

    # One image, built from this repository, for every portal process.
    portal = (*PORTAL_SERVICES, MIGRATE_SERVICE)
    images = {services[name].get("image") for name in portal}
    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in portal}
    if len(images) != 1 or None in images:
        problems.append(f"web, worker, beat and migrate must name one image, not {images}")
    if len(builds) != 1 or "null" in builds:
        problems.append("web, worker, beat and migrate must share one build definition")

    # Health checks on every long-running service.
    for name in REQUIRED_SERVICES:
        if _healthcheck_command(services[name]) is None:
            problems.append(f"service {name!r} has no health check")

    # Start-up order: the portal's processes wait for healthy services and a finished migrate.
    for name in ("web", "worker"):
        depends = _depends_on(services[name])
        for dependency, condition in (
            ("postgres", "service_healthy"),
            ("redis", "service_healthy"),
            (MIGRATE_SERVICE, "service_completed_successfully"),
        ):
            if depends.get(dependency) != condition:
                problems.append(f"{name} must depend on {dependency} with condition {condition}")
    if _depends_on(services["beat"]).get(MIGRATE_SERVICE) != "service_completed_successfully":
        problems.append("beat must wait for migrate to complete successfully")
    if _depends_on(services[MIGRATE_SERVICE]).get("postgres") != "service_healthy":
        problems.append("migrate must wait for postgres to be healthy")
    if str(services[MIGRATE_SERVICE].get("restart", "no")) not in ("no", "False", "false"):
        problems.append("migrate is a one-off step: restart must be 'no'")

    # Named volumes: the database's data and the evidence files.
    postgres_mounts = _named_volume_mounts(services["postgres"])
    if "/var/lib/postgresql/data" not in postgres_mounts.values():
        problems.append("postgres must keep /var/lib/postgresql/data on a named volume")
    if EVIDENCE_VOLUME not in declared_volumes:
        problems.append(f"volume {EVIDENCE_VOLUME!r} must be declared under the top-level volumes")
    evidence_paths = set()
    for name in ("web", "worker"):
        mounts = _named_volume_mounts(services[name])
        media_root = _environment(services[name]).get("MEDIA_ROOT")
        if EVIDENCE_VOLUME not in mounts:
            problems.append(f"{name} must mount the {EVIDENCE_VOLUME!r} volume")
            continue
        if mounts[EVIDENCE_VOLUME] != media_root:
            problems.append(f"{name} must mount {EVIDENCE_VOLUME!r} at MEDIA_ROOT ({media_root})")
        evidence_paths.add(mounts[EVIDENCE_VOLUME])
    if len(evidence_paths) > 1:
        problems.append("web and worker must mount the evidence volume at the same path")

    # Only web publishes a port, and by default on the loopback interface only.
    for name, service in services.items():
        if name != "web" and service.get("ports"):
            problems.append(f"service {name!r} must not publish ports")
    for port in services["web"].get("ports") or []:
        host_ip = port.get("host_ip") if isinstance(port, dict) else _short_port_host_ip(port)
        if host_ip not in ("127.0.0.1", "::1", "[::1]"):
            problems.append(f"web publishes {port!r} beyond the loopback interface")

    # No secret written into the file: only ${VARIABLE} references.
    for name, service in raw_services.items():
        for key, value in _environment(service).items():
            if value is None:
                continue
            if SECRET_NAME.search(key) and "${" not in str(value):
                problems.append(f"{name}: {key} is written into the file; take it from .env")
            if key == "DATABASE_URL" and "${POSTGRES_PASSWORD" not in str(value):
                problems.append(f"{name}: DATABASE_URL must take its password from .env")
    return problems


def _short_port_host_ip(port: Any) -> str | None:
    text = str(port)
    if text.startswith("["):  # [::1]:8000:8000
        return text[: text.index("]") + 1]
    parts = text.split(":")
    return parts[0] if len(parts) == 3 else None


# --- Command line ------------------------------------------------------------------------------


def validate(
    compose_file: Path = COMPOSE_FILE,
    env_file: Path = EXAMPLE_ENV_FILE,
    schema_file: Path = SCHEMA_FILE,
) -> list[str]:
    """Every problem found, as readable lines; empty when the file is valid."""
    raw = load_yaml(compose_file)
    try:
        interpolated = interpolate(raw, validation_environment(env_file))
    except InterpolationError as exc:
        return [f"interpolation with {env_file.name}: {exc}"]
    problems = [
        f"schema: {error}" for error in schema_errors(interpolated, load_schema(schema_file))
    ]
    return problems + [f"shape: {problem}" for problem in shape_problems(raw, interpolated)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("compose_file", nargs="?", type=Path, default=COMPOSE_FILE)
    parser.add_argument(
        "--env-file",
        type=Path,
        default=EXAMPLE_ENV_FILE,
        help="variables for ${...} interpolation (default: deploy/compose.env.example)",
    )
    args = parser.parse_args(argv)
    problems = validate(args.compose_file, args.env_file)
    if problems:
        for problem in problems:
            print(f"{args.compose_file}: {problem}", file=sys.stderr)
        print(f"{args.compose_file}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    schema = load_schema()
    print(
        f"{args.compose_file}: valid against the Compose Specification schema "
        f"({schema.get('title', 'compose-spec')}, deploy/compose-spec.json) "
        f"and the portal's production shape"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
