"""Dependencies point one way (docs/ARCHITECTURE.md): core `qualipref` → `sites`, `referential` → domain
apps → `reports`, `publication`. Every import of every module (top-level or inside a function) is read
with `ast`; an import of an app of a higher layer fails the test.

The project's wiring (settings, root URLs, Celery app, the demo loader) names every app by design: it
sits above all layers and is listed in WIRING. Tests and migrations are not checked."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = {
    "qualipref": 0,
    "sites": 1,
    "referential": 1,
    # the core's shared services, built on the access rule and the users of `sites`
    "qualipref.attachments": 1.5,
    "qualipref.notifications": 1.5,
    "qualipref.timeline": 1.5,  # history and the notices sent
    "complaints": 2,
    "surveys": 2,
    "audits": 2,
    "actionplans": 2,
    "steering": 2,
    "indicators": 2,
    # onboarding: a new département with its defaults (they come from the domain apps), its team
    "accounts": 2,
    "reports": 3,
    "publication": 3,
}
WIRING = {
    "qualipref/settings.py",
    "qualipref/urls.py",
    "qualipref/celery.py",
    "qualipref/wsgi.py",
    "qualipref/management/commands/load_demo.py",
}


def layer_of(dotted: str) -> str | None:
    """The LAYERS key of a dotted module name: its longest listed prefix."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    return None


def imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            app = layer_of(name)
            if app is not None:
                found.add((app, node.lineno))
    return found


def modules():
    for top in {key.split(".")[0] for key in LAYERS}:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or relative in WIRING:
                continue
            yield layer_of(".".join(path.relative_to(ROOT).with_suffix("").parts)), relative, path


def upward_imports() -> list[str]:
    return [
        f"{relative}:{line} imports {imported} (layer {LAYERS[imported]} above {app}, layer {LAYERS[app]})"
        for app, relative, path in modules()
        for imported, line in sorted(imported_apps(path))
        if LAYERS[imported] > LAYERS[app]
    ]


def test_no_module_imports_an_app_of_a_higher_layer():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from reports.annual import build\n", encoding="utf-8")
    assert imported_apps(module) == {("reports", 2)}


def test_no_app_looks_another_up_at_run_time():
    """Every app is installed: no importlib, find_spec or apps.get_model outside migrations and tests."""
    offenders = [
        relative
        for _app, relative, path in modules()
        if any(
            word in path.read_text(encoding="utf-8") for word in ("importlib", "find_spec", "apps.get_model")
        )
    ] + [
        relative
        for relative in WIRING
        if any(
            w in (ROOT / relative).read_text(encoding="utf-8")
            for w in ("importlib", "find_spec", "get_model")
        )
    ]
    assert offenders == []


def test_nothing_loads_on_scroll_so_axe_checks_pages_without_scrolling_them():
    """tests/axe.py checks a page as it stands once its htmx parts are in: no template loads a part when
    it scrolls into view (`revealed`, `intersect`) nor an image lazily, which axe would then miss."""
    found = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").rglob("*.js")]
        for word in ("revealed", "intersect", 'loading="lazy"', "IntersectionObserver")
        if word in path.read_text(encoding="utf-8")
    ]
    assert not found, found
