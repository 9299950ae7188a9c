"""Dependencies run one way: the catalogue (admins' rules) uses nothing of the apps above it."""

import ast
from pathlib import Path

import catalogue

FORBIDDEN = ("citizens", "jobcenter.reports", "jobcenter.report_data", "jobcenter.tasks")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_no_catalogue_module_imports_citizens_or_jobcenter_reports():
    root = Path(catalogue.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert len(files) > 10  # the walk really sees the app
    offenders = {
        f"{path.relative_to(root.parent)}: {name}"
        for path in files
        for name in _imports(path)
        if _forbidden(name)
    }
    assert offenders == set()


def test_the_check_would_catch_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from citizens.tasks import refresh_all_obligations\n", encoding="utf-8")
    assert any(_forbidden(name) for name in _imports(module))
