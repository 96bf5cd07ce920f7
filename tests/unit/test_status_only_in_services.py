"""No code outside contributions/services assigns a contribution's status."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "contributions" / "services"
SOURCE_DIRS = [ROOT / "contributions", ROOT / "cephportal"]


def _status_writes(tree: ast.AST) -> list[int]:
    """Lines that write a `status` attribute or pass status= to update()/create()."""
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        lines += [t.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr == "status"]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"update", "update_or_create"}:
            lines += [node.lineno for k in node.keywords if k.arg == "status"]
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
            arg = node.args[1]
            if isinstance(arg, ast.Constant) and arg.value == "status":
                lines.append(node.lineno)
    return lines


def _non_model_self_status_lines(tree: ast.AST) -> set[int]:
    """`self.status = ...` inside classes that are not Django models (e.g. an HTTP status)."""
    lines: set[int] = set()
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        if any("Model" in ast.unparse(base) for base in cls.bases):
            continue
        for node in ast.walk(cls):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr == "status"
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        lines.add(target.lineno)
    return lines


def _python_files():
    for folder in SOURCE_DIRS:
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts or SERVICES in path.parents:
                continue
            yield path


def test_no_status_assignment_outside_services():
    # given every module outside the services package
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        allowed = _non_model_self_status_lines(tree)
        offenders += [
            f"{path.relative_to(ROOT)}:{line}"
            for line in _status_writes(tree)
            if line not in allowed
        ]
    # then none of them writes a status
    assert offenders == []


def test_an_http_status_on_a_plain_class_is_not_a_contribution_status():
    sample = (
        "class Err(Exception):\n    def __init__(self):\n        self.status = 500\n"
        "class C(models.Model):\n    def f(self):\n        self.status = 'merged'\n"
    )
    tree = ast.parse(sample)
    assert [n for n in _status_writes(tree) if n not in _non_model_self_status_lines(tree)] == [6]


def test_the_checker_catches_a_status_write():
    # given code that assigns a status in three ways / then each is found
    sample = "c.status = 'merged'\nQ.objects.filter().update(status='x')\nsetattr(c, 'status', 1)\n"
    assert _status_writes(ast.parse(sample)) == [1, 2, 3]
