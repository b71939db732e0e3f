"""Architecture rules of the source tree, checked by parsing every module with :mod:`ast`.

The repository folders are installed under one import name (``pyproject.toml``,
setuptools ``package-dir``): ``model/`` is :mod:`restrans.model`, ``sim/`` is
:mod:`restrans.sim` and ``package/`` is :mod:`restrans`. The rules:

(a) no module imports a top-level ``model`` or ``sim`` package, only ``restrans...``;
(b) :mod:`restrans.model` never imports :mod:`restrans.sim`;
(c) a module of sim stage N imports only :mod:`restrans.model`, its own stage and stages before N
    (the stage order is :data:`STAGES`);
(d) no module is longer than :data:`MAXIMUM_MODULE_LINES` lines;
(e) no function (methods and nested functions included) is longer than :data:`MAXIMUM_FUNCTION_LINES`
    lines, counted as ``end_lineno - lineno + 1``;
(f) every subpackage ``__init__.py`` under ``sim/`` has a docstring saying what it may import
    (``May import``).

Every import statement counts: top level, inside functions, under ``if TYPE_CHECKING``, and relative
imports (resolved against the importing module's package).
"""
from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS: dict[str, str] = {"model": "restrans.model", "sim": "restrans.sim", "package": "restrans"}
"""Repository folder -> the import name it is installed as."""

STAGES: tuple[str, ...] = ("scenario", "engine", "compare", "report", "ensembles", "history", "app", "vensim", "cli")
"""The subpackages of ``sim/`` in data-flow order: stage 1 first."""

FORBIDDEN_TOP_LEVEL: tuple[str, ...] = ("model", "sim")
MAXIMUM_MODULE_LINES = 400
MAXIMUM_FUNCTION_LINES = 60


# --- checking functions (pure: a source text and its repository path in, violations out) ------


def module_name(path: PurePosixPath) -> str:
    """The dotted import name of the module at repository path ``path`` (e.g. ``sim/engine/solver.py``)."""
    prefix = FOLDERS[path.parts[0]]
    parts = list(path.with_suffix("").parts[1:])
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join([prefix, *parts])


def is_package(path: PurePosixPath) -> bool:
    """Whether ``path`` is a package's ``__init__.py``."""
    return path.name == "__init__.py"


def resolve_relative(node: ast.ImportFrom, path: PurePosixPath) -> str:
    """The absolute module name of a ``from ... import`` statement in the module at ``path``."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if not is_package(path):
        package = package[:-1]
    base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(source: str, path: PurePosixPath) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of everything the module imports, nested imports included.

    ``from A import B`` yields ``A.B`` (``B`` may be a submodule: ``from restrans.sim import cli``);
    only name prefixes are compared, so an attribute name after the module does no harm.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = resolve_relative(node, path)
            for alias in node.names:
                found.append((node.lineno, module if alias.name == "*" else f"{module}.{alias.name}".lstrip(".")))
    return sorted(found)


def within(name: str, package: str) -> bool:
    """Whether dotted ``name`` is ``package`` or inside it."""
    return name == package or name.startswith(package + ".")


def sim_stage(name: str) -> str | None:
    """The stage subpackage ``name`` belongs to (``restrans.sim.engine.solver`` -> ``engine``), else None."""
    parts = name.split(".")
    if parts[:2] != ["restrans", "sim"] or len(parts) < 3 or parts[2] not in STAGES:
        return None
    return parts[2]


def import_violations(source: str, path: PurePosixPath) -> list[str]:
    """Rules (a), (b) and (c) for one module: one ``file:line: ...`` message per offending import."""
    importer = module_name(path)
    importer_stage = sim_stage(importer)
    violations = []
    if path.parts[0] == "sim" and len(path.parts) > 2 and path.parts[1] not in STAGES:
        violations.append(f"{path}:1: module {importer} is in no sim stage; STAGES lists {', '.join(STAGES)}")
    for line, name in imported_modules(source, path):
        top = name.split(".")[0]
        if top in FORBIDDEN_TOP_LEVEL:
            violations.append(f"{path}:{line}: imports top-level package '{name}'; use 'restrans.{name}'")
        if within(importer, "restrans.model") and within(name, "restrans.sim"):
            violations.append(f"{path}:{line}: restrans.model imports '{name}' (model must never import sim)")
        imported_stage = sim_stage(name)
        if importer_stage and imported_stage and STAGES.index(imported_stage) > STAGES.index(importer_stage):
            allowed = ", ".join(STAGES[:STAGES.index(importer_stage) + 1])
            violations.append(
                f"{path}:{line}: stage {STAGES.index(importer_stage) + 1} ({importer_stage}) imports '{name}' of "
                f"later stage {STAGES.index(imported_stage) + 1} ({imported_stage}); may import model, {allowed}")
    return violations


def size_violations(source: str, path: PurePosixPath) -> list[str]:
    """Rules (d) and (e) for one module: modules and functions that are too long."""
    violations = []
    line_count = len(source.splitlines())
    if line_count > MAXIMUM_MODULE_LINES:
        violations.append(f"{path}:1: module has {line_count} lines (maximum {MAXIMUM_MODULE_LINES})")
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAXIMUM_FUNCTION_LINES:
                violations.append(f"{path}:{node.lineno}: function '{node.name}' has {length} lines "
                                  f"(maximum {MAXIMUM_FUNCTION_LINES})")
    return violations


def docstring_violations(source: str, path: PurePosixPath) -> list[str]:
    """Rule (f) for a subpackage ``__init__.py`` under ``sim/``: its docstring says what it may import."""
    docstring = ast.get_docstring(ast.parse(source, filename=str(path))) or ""
    if "May import" not in docstring:
        return [f"{path}:1: subpackage docstring does not say what it may import ('May import ...')"]
    return []


# --- the source tree ------------------------------------------------------------------------


def source_files() -> list[PurePosixPath]:
    """Repository paths of every .py file under the installed folders."""
    return sorted(PurePosixPath(path.relative_to(ROOT).as_posix())
                  for folder in FOLDERS for path in (ROOT / folder).rglob("*.py"))


def read(path: PurePosixPath) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def report(violations: list[str]) -> str:
    return f"{len(violations)} violation(s):\n" + "\n".join(violations)


def test_the_source_tree_is_found():
    files = source_files()
    assert PurePosixPath("model/system.py") in files
    assert PurePosixPath("sim/scenario/scenario.py") in files
    assert {path.parts[1] for path in files if path.parts[0] == "sim" and len(path.parts) > 2} == set(STAGES)


def test_imports_use_restrans_and_follow_the_stage_order():
    violations = [message for path in source_files() for message in import_violations(read(path), path)]
    assert not violations, report(violations)


def test_modules_and_functions_are_short():
    violations = [message for path in source_files() for message in size_violations(read(path), path)]
    assert not violations, report(violations)


def test_sim_subpackages_say_what_they_may_import():
    packages = [path for path in source_files()
                if path.parts[0] == "sim" and len(path.parts) > 2 and is_package(path)]
    assert len(packages) >= len(STAGES)
    violations = [message for path in packages for message in docstring_violations(read(path), path)]
    assert not violations, report(violations)


LONG_FUNCTION = "def long():\n" + "    x = 1\n" * MAXIMUM_FUNCTION_LINES
LONG_MODULE = "x = 1\n" * (MAXIMUM_MODULE_LINES + 1)


@pytest.mark.parametrize("path, source, expected", [
    ("sim/engine/solver.py", "def run():\n    from restrans.sim.ensembles.sweep import x\n",
     "sim/engine/solver.py:2: stage 2 (engine) imports 'restrans.sim.ensembles.sweep.x' of later stage 5"),
    ("sim/engine/solver.py", "from ..report import figures\n",
     "sim/engine/solver.py:1: stage 2 (engine) imports 'restrans.sim.report.figures' of later stage 4"),
    ("sim/compare/budget.py", "from restrans.sim import cli\n", "imports 'restrans.sim.cli' of later stage 9"),
    ("model/system.py", "import numpy\n\n\ndef f():\n    import restrans.sim.scenario\n",
     "model/system.py:5: restrans.model imports 'restrans.sim.scenario'"),
    ("model/system.py", "from restrans import sim\n", "model/system.py:1: restrans.model imports 'restrans.sim'"),
    ("sim/cli/commands.py", "class A:\n    def f(self):\n        from model.levers import LEVERS\n",
     "sim/cli/commands.py:3: imports top-level package 'model.levers.LEVERS'"),
    ("package/__main__.py", "import sim.cli\n", "package/__main__.py:1: imports top-level package 'sim.cli'"),
    ("sim/extra/thing.py", "", "sim/extra/thing.py:1: module restrans.sim.extra.thing is in no sim stage"),
    ("sim/report/report.py", LONG_MODULE, f"sim/report/report.py:1: module has {MAXIMUM_MODULE_LINES + 1} lines"),
    ("sim/report/report.py", "class A:\n    def outer(self):\n        " + LONG_FUNCTION.replace("\n", "\n        "),
     f"sim/report/report.py:3: function 'long' has {MAXIMUM_FUNCTION_LINES + 1} lines"),
    ("sim/engine/__init__.py", '"""Stage 2, solving."""\n', "sim/engine/__init__.py:1: subpackage docstring"),
])
def test_the_checks_report_a_bad_source(path, source, expected):
    path = PurePosixPath(path)
    checks = (import_violations, size_violations, docstring_violations if is_package(path) else None)
    violations = [message for check in checks if check for message in check(source, path)]
    assert any(expected in message for message in violations), violations


def test_the_checks_accept_good_imports():
    source = ("from restrans.model.levers import LEVERS\nfrom restrans.sim.scenario import errors\n"
              "from . import results\n\n\ndef f():\n    from restrans.sim.engine.solver import solve\n")
    assert import_violations(source, PurePosixPath("sim/engine/outputs.py")) == []
