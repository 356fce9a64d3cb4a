"""`make run` installs only requirements/base.txt. Code that runs in the portal (not tests or
benchmark scripts) must import nothing that only the development lock file installs."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_RUN_TIME = {"tests", "benchmarks", ".venv", "node_modules", "frontend", "var", "staticfiles"}


def locked(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==", line)
        if match:
            names.add(match.group(1).lower().replace("_", "-"))
    return names


def run_time_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in NOT_RUN_TIME:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], set()).add(str(relative))
    return found


def test_run_time_code_imports_only_run_time_dependencies():
    base = locked(ROOT / "requirements/base.txt")
    dev_only = locked(ROOT / "requirements/dev.txt") - base
    distributions = packages_distributions()
    project = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    problems = []
    for module, places in sorted(run_time_imports().items()):
        if module in sys.stdlib_module_names or module in project:
            continue
        owners = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        if owners & dev_only and not owners & base:
            problems.append(f"{module} (only in requirements/dev.txt) imported by {sorted(places)}")
    assert problems == []
