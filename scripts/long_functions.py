"""List the functions and methods of tutor/ longer than a limit (default 60 lines), longest first.

Usage: python scripts/long_functions.py [LIMIT]. Lines are counted from the ``def`` to the last line of the body,
docstring and comments included: what a reader has to hold in mind.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def long_functions(limit: int) -> list[tuple[int, str, str]]:
    """Return (lines, path:line, qualified name) of every function in tutor/ over ``limit`` lines."""
    found = []
    for path in sorted((ROOT / "tutor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                lines = node.end_lineno - start + 1
                if lines > limit:
                    names, parent = [node.name], parents.get(node)
                    while parent is not None:
                        if isinstance(parent, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                            names.append(parent.name)
                        parent = parents.get(parent)
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append((lines, where, ".".join(reversed(names))))
    return sorted(found, key=lambda item: (-item[0], item[1]))


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rows = long_functions(limit)
    print(f"{len(rows)} functions in tutor/ over {limit} lines")
    for lines, where, name in rows:
        print(f"{lines:4d}  {where}  {name}")
