"""Every page of the portal is valid HTML by the Nu HTML Checker (vnu.jar, installed by
``make vnu``), for every role, with every form posted empty and the error pages.

The pages are the same list as the axe-core test (tests/accessibility/pages.py), rendered with the
Django test client and checked by one run of vnu.jar. Errors fail the test; warnings are allowed.
Without the jar (or Java) the test skips and says so; with REQUIRE_SERVICES=1 (CI) it fails.

Also: every route can be filled from the demo data, so a page added later is really walked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict

import pytest

from tests.accessibility import pages
from tests.conftest import ROOT, service_missing

VNU_JAR = ROOT / "tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"

# Messages that are not problems in the portal's HTML, each with why.
IGNORED = [
    # The API documentation page is Swagger UI (drf-spectacular-sidecar) whose markup is built by
    # its script at run time; nothing here. (Kept empty of exceptions until one is justified.)
]


def vnu_command() -> list[str]:
    if not VNU_JAR.exists():
        service_missing("The Nu HTML Checker", f"{VNU_JAR} is missing: run `make vnu`")
    java = shutil.which("java")
    if not java:
        service_missing("Java", "the Nu HTML Checker runs on Java (openjdk-17-jre-headless)")
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


def vnu_version(command: list[str]) -> str:
    return subprocess.run(  # noqa: S603
        [*command, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def check_files(command: list[str], files: list[str]) -> list[dict]:
    """Run vnu.jar once over the files; its JSON report (on stderr) lists every message."""
    result = subprocess.run(  # noqa: S603
        [*command, "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]


def is_error(message: dict) -> bool:
    return message["type"] in {"error", "non-document-error"} or message.get("subType") == "fatal"


def is_ignored(message: dict) -> bool:
    return any(re.search(pattern, message["message"]) for pattern in IGNORED)


def test_every_route_can_be_filled_from_the_demo_data(db):
    """A route whose URL parameters have no sample value would not be checked: name the keys to add
    to pages.build_world()."""
    world = pages.build_world()
    assert pages.unfilled_routes(world) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.accessibility.urls_for_errors")
def test_every_page_is_valid_html(tmp_path):
    command = vnu_command()
    world = pages.build_world()
    walk = pages.walk_with_client(world)
    assert len(walk.pages) > 150, "the walk found far fewer pages than the portal has"
    files: dict[str, pages.Fetched] = {}  # file name -> page
    for number, page in enumerate(walk.pages):
        name = f"page-{number:04d}.html"
        (tmp_path / name).write_text(page.html, encoding="utf-8")
        files[name] = page

    messages = check_files(command, [str(tmp_path / name) for name in files])
    problems: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        if not is_error(message) or is_ignored(message):
            continue
        page = files.get(message.get("url", "").rsplit("/", 1)[-1])
        where = page.describe() if page else message.get("url", "vnu")
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())[:120]
        kind = message.get("subType") or message["type"]
        problems[where].append(f"line {line} ({kind}): {message['message']}\n      {extract}")

    print(f"{vnu_version(command)}: {len(files)} pages checked, {len(problems)} with errors")
    if problems:
        listed = "\n".join(
            f"\n{where}\n" + "\n".join(f"  - {p}" for p in found)
            for where, found in problems.items()
        )
        pytest.fail(f"The Nu HTML Checker found errors on {len(problems)} pages:{listed}")
