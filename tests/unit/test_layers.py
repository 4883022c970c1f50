"""The import layers of docs/architecture.md hold: every module's imports, read from its source with `ast`
(nothing is imported), checked against the rules declared below.

A module's *kind* is its first name inside its domain (a package holding `tables`): `inspections/
services.py` and everything under a later `inspections/services/` package are both `services`, so
files added later fall under the same rules. Imports inside functions and under TYPE_CHECKING count too:
a layer is what the source depends on, not what happens to run first.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tracker", "inspections", "funding")
SKIPPED_DIRS = {"piccolo_migrations", "__pycache__"}

# Pure rule modules: no database, no web, no services. By kind in any domain, or by name.
PURE_KINDS = {"rules", "counting", "workflow", "kinds", "lottery", "chart", "schedules", "money",
              "pricing", "warranty", "ordering", "timeline", "indicators", "monitors", "certificates", "gate"}
PURE_MODULES = {"tracker.clock", "tracker.errors", "tracker.types", "tracker.accounts.roles"}
WEB_KINDS = {"controllers", "pages", "guards", "deps"}  # the Litestar layer of a domain
DATABASE = ("piccolo", "asyncpg", "aiosqlite", "tracker.db", "tracker.schema")
LITESTAR = ("litestar", "tracker.web", "tracker.app")


@dataclass(frozen=True)
class Rule:
    key: str
    says: str
    applies_to: str  # "pure", "services+tables", "tables", "all", "below-web" (pure, services, tables)
    forbidden_prefixes: tuple[str, ...] = ()
    forbidden_kinds: frozenset[str] = frozenset()
    through_others: tuple[str, ...] = ()  # forbidden even through a chain of our own modules


RULES = [
    Rule("pure", "pure rule modules import no tables, database, Litestar or services", "pure",
         DATABASE + LITESTAR, frozenset({"tables", "services", "jobs", "exports"}) | WEB_KINDS),
    Rule("no-web", "services and tables import neither Litestar nor controllers, pages, guards or deps",
         "services+tables", LITESTAR, WEB_KINDS),
    Rule("tables-below-services", "tables import no services (nor jobs or exports, which use them)", "tables",
         (), frozenset({"services", "jobs", "exports"})),
    Rule("no-tests", "nothing in the application imports the tests", "all", ("tests",)),
    Rule("no-litestar-underneath", "pure rules, services and tables reach no Litestar through other modules "
         "either (a lazy import too: it loads Litestar when it runs)", "below-web", through_others=("litestar",)),
    Rule("pure-underneath", "pure rule modules reach no database or Litestar through other modules either",
         "pure", through_others=("piccolo", "asyncpg", "aiosqlite", "tracker.db", "litestar")),
]

# (rule key, module) -> who fixes it: xfail(strict=True) until then, so the marker goes with the fix.
EXPECTED_TO_FAIL: dict[tuple[str, str], str] = {}

# Reported, not enforced: a page or controller reading another domain's tables where that domain has
# services. Today's cases are listed; a new one fails, and so does a listed one that is gone (drop it).
CROSS_DOMAIN_TABLES_TODAY: set[tuple[str, str]] = set()


@pytest.fixture(autouse=True)
def clean():
    """Sources are read, never run: no database to empty before each case (the suite's `clean`)."""
    yield


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    domain: str | None
    kind: str | None

    @property
    def pure(self) -> bool:
        return self.kind in PURE_KINDS or self.name in PURE_MODULES


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def domains() -> tuple[str, ...]:
    found = []
    for package in PACKAGES:
        for folder in [ROOT / package, *(ROOT / package).rglob("*")]:
            if folder.is_dir() and ((folder / "tables.py").exists() or (folder / "tables").is_dir()):
                found.append(_module_name(folder / "__init__.py"))
    return tuple(sorted(found, key=len, reverse=True))  # the innermost domain first


def _place(name: str) -> tuple[str | None, str | None]:
    for domain in domains():
        if name.startswith(domain + "."):
            return domain, name[len(domain) + 1:].split(".")[0]
        if name == domain:
            return domain, None
    return None, None


@cache
def modules() -> dict[str, Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                continue
            name = _module_name(path)
            found[name] = Module(name, path, *_place(name))
    return found


def imports_of(source: str, name: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) of every import; `from a import b` gives `a` and `a.b` (b may be a module)."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
    return found


@cache
def imports(name: str) -> tuple[tuple[int, str], ...]:
    module = modules()[name]
    return tuple(imports_of(module.path.read_text(), name, module.path.name == "__init__.py"))


def _kind_of_import(imported: str) -> tuple[str | None, str | None]:
    """The domain and kind of the module an import names (the longest known module it starts with)."""
    known = modules()
    parts = imported.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return known[candidate].domain, known[candidate].kind
    return None, None


def _applies(rule: Rule, module: Module) -> bool:
    return {
        "pure": module.pure,
        "services+tables": module.kind in {"services", "tables"},
        "tables": module.kind == "tables",
        "all": True,
        "below-web": module.pure or module.kind in {"services", "tables"},
    }[rule.applies_to]


def violations(rule: Rule, module: Module, found: list[tuple[int, str]]) -> list[str]:
    bad = []
    for line, imported in found:
        if any(imported == p or imported.startswith(p + ".") for p in rule.forbidden_prefixes):
            bad.append(f"{module.name}:{line} imports {imported}")
            continue
        domain, kind = _kind_of_import(imported)
        if kind in rule.forbidden_kinds and not (domain == module.domain and kind == module.kind):
            bad.append(f"{module.name}:{line} imports {imported} ({kind})")
    return sorted(set(bad))


def _ours(imported: str) -> str | None:
    parts = imported.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules():
            return ".".join(parts[:end])
    return None


def chains(rule: Rule, name: str) -> list[str]:
    """The shortest chain of our own modules by which `name` reaches an import `rule` forbids, if any."""
    if not rule.through_others:
        return []
    via: dict[str, str | None] = {name: None}
    queue = [name]
    while queue:  # breadth first: the first chain found is a shortest one
        current = queue.pop(0)
        for _, imported in imports(current):
            if any(imported == p or imported.startswith(p + ".") for p in rule.through_others):
                chain, step = [imported], current
                while step is not None:
                    chain.append(step)
                    step = via[step]
                return [" <- ".join(chain)]
            ours = _ours(imported)
            if ours is not None and ours not in via:
                via[ours] = current
                queue.append(ours)
    return []


def _cases():
    for rule in RULES:
        for module in modules().values():
            if _applies(rule, module):
                reason = EXPECTED_TO_FAIL.get((rule.key, module.name))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(rule, module.name, id=f"{rule.key}:{module.name}", marks=marks)


@pytest.mark.parametrize(("rule", "name"), list(_cases()))
def test_module_keeps_to_its_layer(rule: Rule, name: str):
    module = modules()[name]
    bad = violations(rule, module, list(imports(name))) + chains(rule, name)
    assert not bad, f"{rule.says}:\n  " + "\n  ".join(bad)


def test_pages_and_controllers_reach_other_domains_through_services():
    with_services = {m.domain for m in modules().values() if m.kind == "services"}
    found = set()
    for module in modules().values():
        if module.kind not in {"controllers", "pages"}:
            continue
        for _, imported in imports(module.name):
            domain, kind = _kind_of_import(imported)
            if kind == "tables" and domain != module.domain and domain in with_services:
                found.add((module.name, f"{domain}.tables"))
    new, gone = found - CROSS_DOMAIN_TABLES_TODAY, CROSS_DOMAIN_TABLES_TODAY - found
    assert not new, f"read another domain's tables through its services instead: {sorted(new)}"
    assert not gone, f"fixed, so drop from CROSS_DOMAIN_TABLES_TODAY: {sorted(gone)}"


def test_the_rules_see_the_tree_and_catch_a_violation():
    """The rules are not vacuous: the modules they name exist, and a planted import is caught."""
    known = modules()
    assert {"tracker.register", "tracker.consultations", "inspections", "funding"} <= set(domains())
    assert PURE_MODULES <= set(known), PURE_MODULES - set(known)
    assert known["inspections.workflow"].pure and known["tracker.consultations.services"].kind == "services"
    planted = Module("inspections.rules", ROOT / "inspections/rules.py", "inspections", "rules")
    source = "from litestar import get\nfrom ..tracker import db\nfrom . import tables\n"
    found = imports_of(source, planted.name, is_package=False)
    assert sorted(v.split(" imports ")[1] for v in violations(RULES[0], planted, found)) == [
        "inspections.tables (tables)", "litestar", "litestar.get", "tracker.db",
    ]
    relative = imports_of("from .issues import x\nfrom .. import tables\n", "inspections.services.notices", False)
    assert {"inspections.services.issues", "inspections.tables"} <= {name for _, name in relative}
