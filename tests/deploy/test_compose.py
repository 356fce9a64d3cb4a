"""docker-compose.yml, checked offline: the Compose Specification schema and the production shape
the portal needs. No Docker engine and no services are needed."""

import copy
import re
import subprocess
import sys

import pytest

from .conftest import DEPLOY, ROOT

PORTAL_PROCESSES = ("web", "worker", "beat", "migrate")


# --- The Compose Specification schema ----------------------------------------------------------


def test_the_vendored_schema_is_the_compose_specification(validator):
    schema = validator.load_schema()
    assert schema["title"] == "Compose Specification"
    assert {"services", "volumes", "networks"} <= set(schema["properties"])
    assert "healthcheck" in schema["definitions"]


def test_the_compose_file_is_valid_against_the_schema(validator, compose):
    assert validator.schema_errors(compose, validator.load_schema()) == []


def test_the_schema_check_rejects_what_compose_would_reject(validator, compose):
    schema = validator.load_schema()
    broken = copy.deepcopy(compose)
    broken["services"]["web"]["healthcheck"]["tests"] = broken["services"]["web"][
        "healthcheck"
    ].pop("test")
    broken["services"]["worker"]["depends_on"]["redis"]["condition"] = "service_ready"
    broken["services"]["beat"]["restart_policy"] = "always"
    errors = validator.schema_errors(broken, schema)
    assert any(e.startswith("services.web.healthcheck") and "'tests'" in e for e in errors), errors
    assert any("services.worker.depends_on" in e for e in errors), errors
    assert any(e.startswith("services.beat") and "restart_policy" in e for e in errors), errors


# --- The production shape --------------------------------------------------------------------


def test_the_five_services_and_the_migrate_step_exist(compose):
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(compose["services"])
    assert compose["services"]["postgres"]["image"] == "postgres:16"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_every_portal_process_runs_the_same_image_built_from_this_repository(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in PORTAL_PROCESSES}
    builds = [services[name]["build"] for name in PORTAL_PROCESSES]
    assert len(images) == 1
    assert all(build == {"context": ".", "dockerfile": "Dockerfile"} for build in builds)
    commands = {name: services[name]["command"] for name in PORTAL_PROCESSES}
    assert commands == {
        "web": ["web"],
        "worker": ["worker"],
        "beat": ["beat"],
        "migrate": ["migrate"],
    }


def test_long_running_services_have_health_checks(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        healthcheck = services[name]["healthcheck"]
        assert healthcheck["test"][0] in ("CMD", "CMD-SHELL"), name
        assert healthcheck["interval"] and healthcheck["timeout"] and healthcheck["retries"]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert "redis-cli ping" in services["redis"]["healthcheck"]["test"][1]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "/app/deploy/healthcheck.py"]
    worker_check = services["worker"]["healthcheck"]["test"][1]
    beat_check = services["beat"]["healthcheck"]["test"][1]
    assert "inspect ping" in worker_check and "celery@${HOSTNAME}" in worker_check
    assert "inspect ping" in beat_check and "celerybeat@${HOSTNAME}" in beat_check


def test_the_portal_waits_for_healthy_services_and_a_finished_migration(compose):
    services = compose["services"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
    assert services["beat"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"


def test_data_lives_on_named_volumes_and_evidence_is_shared_by_web_and_worker(compose):
    services = compose["services"]
    assert {"postgres-data", "evidence", "redis-data"} <= set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis-data:/data" in services["redis"]["volumes"]
    for name in ("web", "worker"):
        assert services[name]["volumes"] == ["evidence:/var/lib/portal/media"]
        environment = services[name]["environment"]
        assert environment["MEDIA_ROOT"] == "/var/lib/portal/media"
        # Every file storage lies on the shared volume, not in a container's own layer.
        for storage_root in ("EVIDENCE_ROOT", "REPORTS_ROOT"):
            assert environment[storage_root].startswith("/var/lib/portal/media/"), storage_root
    # The evidence is private: nothing else mounts it, and nothing serves it.
    assert "volumes" not in services["beat"] and "volumes" not in services["migrate"]


def test_only_web_publishes_a_port_and_only_on_loopback_by_default(validator, compose_raw):
    as_run_by_default = validator.interpolate(
        compose_raw, {"POSTGRES_PASSWORD": "x", "SECRET_KEY": "x"}
    )
    services = as_run_by_default["services"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert [name for name, service in services.items() if service.get("ports")] == ["web"]


def test_configuration_comes_from_the_env_file_and_no_secret_is_written_in(compose_raw):
    portal = compose_raw["services"]["web"]
    assert portal["env_file"] == ".env"
    assert portal["environment"]["DJANGO_SETTINGS_MODULE"] == "maturity_portal.settings.production"
    assert "${POSTGRES_PASSWORD:?" in portal["environment"]["DATABASE_URL"]
    assert (
        "${POSTGRES_PASSWORD:?"
        in compose_raw["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    )
    text = (ROOT / "docker-compose.yml").read_text()
    assert "SECRET_KEY" not in text  # it comes from .env, never from the compose file


def test_the_compose_file_meets_every_shape_rule(validator, compose_raw, compose):
    assert validator.shape_problems(compose_raw, compose) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["services"].pop("beat"), "service 'beat' is missing"),
        (lambda c: c["services"]["worker"].pop("healthcheck"), "'worker' has no health check"),
        (
            lambda c: c["services"]["redis"].update(healthcheck={"test": ["NONE"]}),
            "'redis' has no health check",
        ),
        (lambda c: c["services"]["beat"].update(image="other:1"), "must name one image"),
        (
            lambda c: c["services"]["worker"].update(build={"context": "worker"}),
            "share one build definition",
        ),
        (
            lambda c: c["services"]["web"]["depends_on"].update(
                postgres={"condition": "service_started"}
            ),
            "web must depend on postgres with condition service_healthy",
        ),
        (
            lambda c: c["services"]["worker"]["depends_on"].pop("migrate"),
            "worker must depend on migrate with condition service_completed_successfully",
        ),
        (lambda c: c["services"]["worker"].pop("volumes"), "worker must mount the 'evidence'"),
        (
            lambda c: c["services"]["worker"].update(volumes=["evidence:/srv/files"]),
            "worker must mount 'evidence' at MEDIA_ROOT",
        ),
        (
            lambda c: c["services"]["postgres"].update(
                volumes=["./pgdata:/var/lib/postgresql/data"]
            ),
            "postgres must keep /var/lib/postgresql/data on a named volume",
        ),
        (lambda c: c["volumes"].pop("evidence"), "volume 'evidence' must be declared"),
        (
            lambda c: c["services"]["web"].update(ports=["8000:8000"]),
            "beyond the loopback interface",
        ),
        (
            lambda c: c["services"]["redis"].update(ports=["127.0.0.1:6379:6379"]),
            "'redis' must not publish ports",
        ),
        (
            lambda c: c["services"]["web"]["depends_on"].update(
                db={"condition": "service_healthy"}
            ),
            "web depends on 'db', which is not a service",
        ),
        (lambda c: c["services"]["migrate"].update(restart="always"), "restart must be 'no'"),
    ],
)
def test_each_shape_rule_catches_its_mistake(validator, compose_raw, compose, change, expected):
    broken = copy.deepcopy(compose)
    change(broken)
    problems = validator.shape_problems(compose_raw, broken)
    assert any(expected in problem for problem in problems), problems


def test_a_secret_written_into_the_file_is_caught(validator, compose_raw, compose):
    raw = copy.deepcopy(compose_raw)
    raw["services"]["web"]["environment"]["SECRET_KEY"] = "written-in-the-compose-file"
    problems = validator.shape_problems(raw, compose)
    assert any("SECRET_KEY is written into the file" in problem for problem in problems), problems


# --- Interpolation, as Compose does it ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A}", {"A": "1"}, "1"),
        ("$A/b", {"A": "1"}, "1/b"),
        ("${A}", {}, ""),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A-d}", {}, "d"),
        ("${A:-d}", {"A": "v"}, "v"),
        ("${A:+alt}", {"A": "v"}, "alt"),
        ("${A:+alt}", {"A": ""}, ""),
        ("${A+alt}", {"A": ""}, "alt"),
        ("$${HOSTNAME}", {"HOSTNAME": "h"}, "${HOSTNAME}"),
        ("pre-${A:-${B}}-post", {"B": "b"}, "pre-b-post"),
        ("${A:?needed}", {"A": "v"}, "v"),
    ],
)
def test_interpolation(validator, text, env, expected):
    assert validator.interpolate_string(text, env) == expected


@pytest.mark.parametrize(
    ("text", "env"),
    [("${A:?set A}", {}), ("${A:?set A}", {"A": ""}), ("${A?set A}", {}), ("${", {}), ("$-", {})],
)
def test_interpolation_errors(validator, text, env):
    with pytest.raises(validator.InterpolationError):
        validator.interpolate_string(text, env)


# --- The example configuration -----------------------------------------------------------------


def settings_and_deploy_text() -> str:
    paths = [*sorted((ROOT / "maturity_portal" / "settings").glob("*.py"))]
    paths += [DEPLOY / "gunicorn.conf.py", DEPLOY / "entrypoint", ROOT / "docker-compose.yml"]
    return "\n".join(path.read_text() for path in paths)


def example_keys(validator) -> set[str]:
    """Every variable the example names, set or commented out (`#NAME=value`)."""
    text = validator.EXAMPLE_ENV_FILE.read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_example_env_file_names_every_required_variable(validator, compose_raw):
    required = {n for n, req in validator.referenced_variables(compose_raw).items() if req}
    assert required == {"POSTGRES_PASSWORD"}
    set_in_example = validator.read_env_file(validator.EXAMPLE_ENV_FILE)
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert set_in_example[name] == "", f"{name} must be left blank for the operator to fill in"


def test_every_variable_in_the_example_is_one_something_reads(validator):
    readers = settings_and_deploy_text()
    unread = {key for key in example_keys(validator) if key not in readers}
    assert unread == set(), f"the example names variables nothing reads: {unread}"


def test_every_compose_variable_is_in_the_example(validator, compose_raw):
    referenced = set(validator.referenced_variables(compose_raw))
    assert referenced - example_keys(validator) == set()


def test_the_deployment_guide_describes_every_variable_of_the_example(validator):
    guide = (ROOT / "docs" / "deployment.md").read_text()
    missing = {key for key in example_keys(validator) if f"`{key}`" not in guide}
    assert missing == set(), f"docs/deployment.md does not describe: {missing}"


def test_a_missing_required_variable_is_reported(validator, tmp_path):
    env_file = tmp_path / "incomplete.env"
    env_file.write_text("SECRET_KEY=x\nALLOWED_HOSTS=portal.example.org\n")
    problems = validator.validate(env_file=env_file)
    assert len(problems) == 1
    assert "required variable POSTGRES_PASSWORD is missing" in problems[0]


# --- The command CI runs ---------------------------------------------------------------------


def run_validate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["bash", str(DEPLOY / "validate-compose"), *args],
        env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_validate_compose_passes_on_the_compose_file():
    result = run_validate()
    assert result.returncode == 0, result.stderr
    assert "valid against the Compose Specification schema" in result.stdout


def test_validate_compose_fails_on_a_broken_file(tmp_path):
    text = (ROOT / "docker-compose.yml").read_text()
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace("healthcheck:", "health_check:", 1))
    result = run_validate(str(broken))
    assert result.returncode == 1
    assert "health_check" in result.stderr
    assert "'postgres' has no health check" in result.stderr
