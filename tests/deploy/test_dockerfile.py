"""The Dockerfile and .dockerignore, read the way Docker reads them (there is no engine here to
build the image): what is copied exists and is not ignored, the entrypoint and command are real
files of the image, the user exists and is not root, and nothing secret is baked in."""

import os
import re
import stat
import subprocess
import tomllib

import pytest

from .dockerfile import (
    ROOT,
    Instruction,
    dockerignore_rules,
    image_files,
    is_excluded,
    matches_any,
    parse_dockerfile,
    repository_files,
)

APP_DIR = "/app"


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse_dockerfile((ROOT / "Dockerfile").read_text())


@pytest.fixture(scope="module")
def in_image() -> set[str]:
    return set(image_files())


def runtime(instructions: list[Instruction]) -> list[Instruction]:
    last_stage = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last_stage]


def image_path_to_repository(path: str) -> str:
    assert path.startswith(APP_DIR + "/"), f"{path} is outside {APP_DIR}"
    return path[len(APP_DIR) + 1 :]


# --- The parser and matcher themselves ----------------------------------------------------------


def test_the_parser_joins_continuations_and_drops_comments():
    parsed = parse_dockerfile(
        "# syntax=docker/dockerfile:1\nFROM a AS b\nRUN one \\\n    # a comment\n    && two\n"
        'CMD ["web"]\n'
    )
    assert [(i.keyword, i.arguments, i.stage) for i in parsed] == [
        ("FROM", "a AS b", 0),
        ("RUN", "one && two", 0),
        ("CMD", '["web"]', 0),
    ]
    assert parsed[2].exec_form() == ["web"]


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        (".env", True),
        ("var/db.sqlite3", True),
        ("core/__pycache__/views.cpython-311.pyc", True),
        ("tests/conftest.py", True),
        ("README.md", True),
        ("fixtures/notes.md", False),
        ("core/views.py", False),
        ("deploy/entrypoint", False),
    ],
)
def test_dockerignore_matching(path, excluded):
    rules = dockerignore_rules((ROOT / ".dockerignore").read_text())
    assert is_excluded(path, rules) is excluded


def test_an_exception_pattern_brings_a_file_back():
    rules = dockerignore_rules("docs\n!docs/keep.md\n")
    assert is_excluded("docs/other.md", rules)
    assert not is_excluded("docs/keep.md", rules)


# --- Base image and stages ----------------------------------------------------------------------


def test_the_base_image_is_the_python_the_project_requires(instructions):
    args = {
        i.arguments.split("=", 1)[0]: i.arguments.split("=", 1)[1]
        for i in instructions
        if i.keyword == "ARG" and "=" in i.arguments
    }
    assert args["PYTHON_IMAGE"] == "python:3.11-slim-bookworm"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert ">=3.11" in requires and "<3.12" in requires
    froms = [i.arguments for i in instructions if i.keyword == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]


def test_only_the_run_time_lock_file_is_installed(instructions):
    copies = [i.flags_and_words()[1] for i in instructions if i.keyword == "COPY"]
    assert ["requirements/base.txt", "/tmp/requirements-base.txt"] in copies
    installs = [
        i.arguments for i in instructions if i.keyword == "RUN" and "pip install" in i.arguments
    ]
    assert installs == [
        "/opt/venv/bin/pip install --only-binary=:all: -r /tmp/requirements-base.txt"
    ]
    assert "dev.txt" not in (ROOT / "Dockerfile").read_text()


# --- What is copied --------------------------------------------------------------------------


def test_every_copied_source_exists_and_is_not_ignored(instructions):
    rules = dockerignore_rules((ROOT / ".dockerignore").read_text())
    for instruction in instructions:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        flags, words = instruction.flags_and_words()
        if "from" in flags:  # from an earlier stage, not the build context
            assert flags["from"] == "build"
            continue
        *sources, _destination = words
        for source in sources:
            if source == ".":
                continue
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
            assert not is_excluded(source, rules), f"COPY {source}: excluded by .dockerignore"


def test_the_image_gets_what_the_portal_needs_at_run_time(in_image):
    needed = [
        "manage.py",
        "maturity_portal/wsgi.py",
        "maturity_portal/celery.py",
        "maturity_portal/settings/production.py",
        "deploy/entrypoint",
        "deploy/gunicorn.conf.py",
        "deploy/healthcheck.py",
        "templates/base.html",
        "core/management/commands/load_initial_data.py",
    ]
    for path in needed:
        assert path in in_image, f"{path} would not be in the image"
    # Every project app, its templates and migrations.
    for app in ("core", "accounts", "frameworks", "assessments", "benchmarking", "reports"):
        assert f"{app}/apps.py" in in_image
    tracked = repository_files()
    for prefix in ("static/", "templates/", "fixtures/"):
        for path in tracked:
            if path.startswith(prefix):
                assert path in in_image, f"{path} would not be in the image"


def test_the_image_gets_no_secrets_local_state_or_development_files(in_image):
    forbidden = [".env", ".env.*", ".git/*", ".venv/*", "var/*", "media/*", "staticfiles/*"]
    forbidden += ["tests/*", "*/__pycache__/*", "*.pyc", "node_modules/*"]
    assert [path for path in in_image if matches_any(path, forbidden)] == []


# --- The user ----------------------------------------------------------------------------------


def test_processes_run_as_an_unprivileged_user_that_the_image_creates(instructions):
    stage = runtime(instructions)
    users = [i for i in stage if i.keyword == "USER"]
    assert users, "the image must not run as root"
    user, _, group = users[-1].arguments.partition(":")
    assert user not in ("root", "0") and group not in ("root", "0")
    created_before = " ".join(
        i.arguments for i in stage[: stage.index(users[-1])] if i.keyword == "RUN"
    )
    assert re.search(rf"\buseradd\b[^&]*\s{re.escape(user)}\b", created_before)
    assert re.search(rf"\bgroupadd\b[^&]*\s{re.escape(group)}\b", created_before)
    # The evidence directory (MEDIA_ROOT) is the one place the user writes.
    env = runtime_env(instructions)
    assert f"install -d -o {user} -g {group}" in created_before
    assert env["MEDIA_ROOT"] in created_before


def runtime_env(instructions: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in runtime(instructions):
        if instruction.keyword == "ENV":
            for match in re.finditer(r"([A-Z_][A-Z0-9_]*)=(\S+)", instruction.arguments):
                env[match.group(1)] = match.group(2)
    return env


def test_nothing_secret_is_baked_into_the_image(instructions):
    for instruction in instructions:
        if instruction.keyword in ("ENV", "ARG", "LABEL"):
            names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", instruction.arguments)
            secret_names = [n for n in names if re.search(r"SECRET|PASSWORD|TOKEN|KEY", n, re.I)]
            assert secret_names == [], f"{instruction.keyword} {instruction.arguments}"
    # The one SECRET_KEY in the Dockerfile is random, for collectstatic only, and not kept.
    runs = " ".join(i.arguments for i in instructions if i.keyword == "RUN")
    throwaway = "SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(64))')\""
    assert runs.count("SECRET_KEY=") == runs.count(throwaway) == 1


def test_the_run_time_environment_is_production(instructions):
    env = runtime_env(instructions)
    assert env["DJANGO_SETTINGS_MODULE"] == "maturity_portal.settings.production"
    assert (ROOT / "maturity_portal/settings/production.py").exists()
    assert env["PATH"].startswith("/opt/venv/bin:")
    assert env["STATIC_ROOT"].startswith(APP_DIR + "/")
    assert not env["MEDIA_ROOT"].startswith(APP_DIR)  # evidence never lives beside the code


def test_static_files_are_collected_at_build_time(instructions):
    runs = [i.arguments for i in runtime(instructions) if i.keyword == "RUN"]
    assert any("python manage.py collectstatic --noinput" in run for run in runs)


# --- Entrypoint and command ----------------------------------------------------------------------


def test_the_entrypoint_is_an_executable_script_of_the_image(instructions, in_image):
    workdirs = [i.arguments for i in runtime(instructions) if i.keyword == "WORKDIR"]
    assert workdirs == [APP_DIR]
    copies = [i.flags_and_words()[1] for i in runtime(instructions) if i.keyword == "COPY"]
    assert [".", APP_DIR] in copies
    entrypoints = [i.exec_form() for i in instructions if i.keyword == "ENTRYPOINT"]
    assert len(entrypoints) == 1 and entrypoints[0] is not None, "ENTRYPOINT in exec form"
    script = image_path_to_repository(entrypoints[0][0])
    assert script in in_image
    path = ROOT / script
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert os.stat(path).st_mode & stat.S_IXUSR, f"{script} must be executable"
    mode = subprocess.run(
        ["git", "ls-files", "--stage", script],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert mode.startswith("100755") or not mode, f"{script} is not executable in git: {mode}"
    # Belt and braces for checkouts that lose the executable bit.
    runs = " ".join(i.arguments for i in runtime(instructions) if i.keyword == "RUN")
    assert f"chmod 0755 {entrypoints[0][0]}" in runs


def test_the_default_command_is_the_web_process(instructions):
    commands = [i.exec_form() for i in instructions if i.keyword == "CMD"]
    assert commands == [["web"]]


def test_files_the_entrypoint_and_compose_refer_to_are_in_the_image(in_image):
    entrypoint = (ROOT / "deploy" / "entrypoint").read_text()
    for relative in re.findall(r"\$APP_DIR/([\w./-]+)", entrypoint):
        assert relative in in_image, f"the entrypoint uses {relative}, which is not in the image"
    compose = (ROOT / "docker-compose.yml").read_text()
    for path in re.findall(r"/app/([\w./-]+)", compose):
        assert path in in_image, f"docker-compose.yml uses /app/{path}, not in the image"


def test_the_port_the_image_exposes_is_the_one_gunicorn_binds(instructions):
    exposed = [i.arguments for i in instructions if i.keyword == "EXPOSE"]
    env = runtime_env(instructions)
    assert exposed == [env["PORT"]] == ["8000"]
