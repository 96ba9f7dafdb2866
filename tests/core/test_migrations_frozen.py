"""Migrations freeze what they apply: their SQL and data mappings are written in the
migration, never imported from the live code, which may change after the migration ran."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

# What Django's autodetector itself writes into a migration: references to the callables
# of a field (validators, upload_to, storage), which must stay importable anyway.
FIELD_REFERENCES = {"core.validators", "beneficiaries.documents"}


def _project_modules(tree: ast.Module, project: set[str]) -> set[str]:
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            imported.add(f"<relative import, level {node.level}>")
    return {name for name in imported if name.startswith("<") or name.split(".")[0] in project}


def _is_ours(path: Path) -> bool:
    # The virtual environment may live inside the checkout: installed apps are not ours.
    return Path(settings.BASE_DIR) in path.parents and "site-packages" not in path.parts


def _migration_files():
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if _is_ours(folder) and folder.is_dir():
            yield from sorted(folder.glob("0*.py"))


def test_no_migration_imports_live_project_code():
    project = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if _is_ours(Path(config.path) / "migrations")
    }
    found = {
        str(path.relative_to(settings.BASE_DIR)): sorted(modules - FIELD_REFERENCES)
        for path in _migration_files()
        if (modules := _project_modules(ast.parse(path.read_text()), project)) - FIELD_REFERENCES
    }
    assert found == {}


def test_the_check_sees_an_import_of_live_code():
    tree = ast.parse("from housing.postgres import FORWARD_SQL\nimport core.validators\n")
    assert _project_modules(tree, {"housing", "core"}) == {"housing.postgres", "core.validators"}
