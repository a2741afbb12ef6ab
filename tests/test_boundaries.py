"""What may import what, read from the source itself: every module is found, none listed by hand.

- `contest/domain/` imports nothing but the standard library and itself;
- `question_bank/` imports no Flask and nothing of `contest`;
- services (every module of a feature package that is not its web side: `routes.py`,
  `forms.py` and the few modules listed in WEB_SIDE) import no Flask, flask-login, Flask-WTF or
  WTForms, and no flask-sqlalchemy web helper: the clock, the grace and other settings come in
  as arguments;
- a blueprint's module (one that makes a `Blueprint`) is imported by the app factory only, so
  no blueprint reaches into another's views;
- views neither commit nor run statements (`execute`, `scalar`, `scalars`): services own
  the queries and the transactions; views may still fetch one row by id (`db.get_or_404`).
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# werkzeug's password hashing is not the web layer; its request and routing parts would be.
WEB_LIBRARIES = (
    "flask",
    "flask_login",
    "flask_wtf",
    "wtforms",
    "werkzeug.wrappers",
    "werkzeug.routing",
)


def modules(*folders: str) -> list[Path]:
    found = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    return [path for path in found if "migrations" not in path.parts]


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported(path: Path, package: str | None = None) -> set[str]:
    """Every module `path` imports, at the top or inside a function, by full dotted name
    (relative imports resolved against `package`, by default the file's own)."""
    tree = ast.parse(path.read_text(), str(path))
    if package is None:
        own = name_of(path)
        package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


def makes_blueprint(path: Path) -> bool:
    tree = ast.parse(path.read_text(), str(path))
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint"
        for node in ast.walk(tree)
    )


# Packages that are not features, and a feature's modules that belong to the web side: they
# read the request or the app's configuration on purpose.
NOT_FEATURES = ("domain", "models", "web", "cli", "migrations", "static")
WEB_SIDE = {
    "contest/auth/throttles.py",  # limits keyed by the request's address
    "contest/auth/cookies.py",  # Secure cookies by the request's scheme
    "contest/account/mail.py",  # the mail extension and the site's address
}


def service_modules() -> list[Path]:
    """Every module of a feature package but its views, forms and WEB_SIDE modules."""
    found = []
    for path in modules("contest"):
        parts = path.relative_to(ROOT / "contest").parts
        if len(parts) < 2 or parts[0] in NOT_FEATURES:
            continue
        if path.name in ("routes.py", "forms.py", "__init__.py") or makes_blueprint(path):
            continue
        # A feature with several forms modules names them `<part>_forms.py`.
        if path.name.endswith("_forms.py"):
            continue
        if str(path.relative_to(ROOT)) not in WEB_SIDE:
            found.append(path)
    return found


def test_every_rule_sees_modules():
    """The rules below find what they check: a renamed folder must not make them pass empty."""
    assert len(modules("contest/domain")) >= 8
    assert len(modules("question_bank")) >= 10
    assert len(service_modules()) >= 15
    assert len([path for path in modules("contest") if makes_blueprint(path)]) >= 8


@pytest.mark.parametrize("path", modules("contest/domain"), ids=name_of)
def test_domain_imports_only_the_standard_library_and_itself(path):
    outside = {
        name
        for name in imported(path)
        if top(name) not in sys.stdlib_module_names and not name.startswith("contest.domain")
    }
    assert outside == set(), f"{name_of(path)} imports {sorted(outside)}"


@pytest.mark.parametrize("path", modules("question_bank"), ids=name_of)
def test_question_bank_imports_neither_flask_nor_contest(path):
    bad = {name for name in imported(path) if top(name) in ("contest", *WEB_LIBRARIES)}
    bad |= {name for name in imported(path) if top(name).startswith("flask")}
    assert bad == set(), f"{name_of(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", service_modules(), ids=name_of)
def test_services_import_no_web_layer(path):
    bad = {
        name
        for name in imported(path)
        if top(name) in WEB_LIBRARIES
        or any(name.startswith(library + ".") for library in WEB_LIBRARIES if "." in library)
        or name.startswith("flask_sqlalchemy.pagination")
        # The web layer (the session's account, the app's clock and grace, templating, ...).
        or name == "contest.web"
        or name.startswith("contest.web.")
    }
    assert bad == set(), f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_the_app_factory_imports_a_blueprint_module():
    blueprints = {name_of(path) for path in modules("contest") if makes_blueprint(path)}
    offenders = {
        (name_of(path), name)
        for path in modules("contest")
        if name_of(path) != "contest"
        for name in imported(path)
        for blueprint in blueprints
        if (name == blueprint or name.startswith(blueprint + ".")) and name_of(path) != blueprint
    }
    assert offenders == set()


@pytest.mark.parametrize(
    "path", [path for path in modules("contest") if makes_blueprint(path)], ids=name_of
)
def test_views_neither_commit_nor_run_statements(path):
    tree = ast.parse(path.read_text(), str(path))
    found = [
        (node.lineno, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("commit", "execute", "scalar", "scalars", "paginate")
    ]
    assert found == [], f"{name_of(path)}: {found}: a service should"


def test_the_import_reader_catches_what_it_must(tmp_path):
    """The rules are only as good as `imported`: check it on the forms it must see."""
    sample = tmp_path / "probe.py"
    sample.write_text(
        "import flask\nfrom sqlalchemy import select\nfrom . import timing\n"
        "def f():\n    from contest.extensions import db\n"
    )
    found = imported(sample, package="contest.domain")
    assert {"flask", "sqlalchemy", "contest.domain.timing", "contest.extensions.db"} <= found
