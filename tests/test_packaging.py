"""The package as ``pip install .`` builds it, not only the editable checkout.

A plain install once crashed (``lxml.html.clean`` is a separate project that jusText imports
but does not declare) and had no ``prompts/``, so every Claude summary was refused. These tests
hold the declared dependencies complete and build the real wheel offline
(``pip wheel --no-build-isolation``) to run ``newsbot summarize`` from it in another directory.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.summarizer.prompts import TEMPLATE_FILES
from tests.fakes.anthropic_api import FakeAnthropic, Reply
from tests.summarizer.conftest import FIXTURES, SEED_BULLETS

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _declared() -> dict[str, Requirement]:
    requirements = (Requirement(r) for r in PYPROJECT["project"]["dependencies"])
    return {canonicalize_name(r.name): r for r in requirements}


def _third_party_imports() -> set[str]:
    """Top-level names that ``bot/`` imports (at module level or inside functions)."""
    names: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"bot", "__future__"}


def test_every_package_under_bot_is_in_the_listed_packages() -> None:
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "bot").rglob("__init__.py")
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == found | {"bot.prompt_templates"}
    # bot/prompt_templates is a link to the top-level prompts/ (a simple layout: an editable
    # install is a plain .pth entry, and setuptools prints no notice).
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "."}
    link = ROOT / "bot" / "prompt_templates"
    assert link.is_symlink() and link.resolve() == (ROOT / "prompts").resolve()


def test_every_third_party_import_is_a_declared_dependency_with_a_lower_bound() -> None:
    imports = _third_party_imports()
    assert {"slack_bolt", "anthropic", "httpx2", "htmldate", "sqlalchemy"} <= imports
    providers = metadata.packages_distributions()
    declared = _declared()
    undeclared = {
        name: providers.get(name)
        for name in imports
        if not {canonicalize_name(d) for d in providers.get(name, [])} & declared.keys()
    }
    assert undeclared == {}
    for name, requirement in declared.items():
        assert any(spec.operator == ">=" for spec in requirement.specifier), name


def _closure(names: set[str]) -> set[str]:
    """The installed distributions that ``names`` pull in, following extras and markers."""
    seen: set[str] = set()
    todo = [Requirement(str(r)) for r in _declared().values() if canonicalize_name(r.name) in names]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # an optional dependency that is not installed: nothing imports it
        if name in seen:
            continue
        seen.add(name)
        for text in requires:
            child = Requirement(text)
            extras = requirement.extras or {""}
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras):
                todo.append(child)
    return seen


_PLAIN_INSTALL = """
import importlib, importlib.abc, json, pkgutil, sys
blocked = set(json.load(open(sys.argv[2], encoding="utf-8")))


class NotInstalled(importlib.abc.MetaPathFinder):
    # Packages this environment has but `pip install .` would not bring: hidden.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (not declared)", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
import bot
for info in pkgutil.walk_packages(bot.__path__, "bot."):
    if info.name != "bot.store.migrations.env":  # runs only under Alembic
        importlib.import_module(info.name)
from bot.articles.extract import extract_article
with open(sys.argv[1], encoding="utf-8") as page:
    extract_article(page.read(), url="https://news.example/a", min_words=1)
assert "lxml_html_clean" in sys.modules
"""


@pytest.mark.slow
def test_the_bot_imports_and_extracts_with_only_its_declared_dependencies(tmp_path: Path) -> None:
    """As after ``pip install .``: every module of a distribution outside the declared
    dependencies (and theirs) is hidden. Catches a library that imports an undeclared one
    (jusText → lxml.html.clean → lxml_html_clean)."""
    allowed = _closure(set(_declared())) | {canonicalize_name(PYPROJECT["project"]["name"])}
    assert {"lxml-html-clean", "justext", "trafilatura", "anthropic"} <= allowed
    blocked = sorted(
        module
        for module, dists in metadata.packages_distributions().items()
        if not {canonicalize_name(d) for d in dists} & allowed
    )
    assert "pytest" in blocked and "hypothesis" in blocked  # dev tools are not there
    (tmp_path / "blocked.json").write_text(json.dumps(blocked), encoding="utf-8")
    page = FIXTURES.parent / "articles" / "en-news.html"
    done = subprocess.run(  # noqa: S603 -- our own interpreter, a fixed script
        [sys.executable, "-c", _PLAIN_INSTALL, str(page), str(tmp_path / "blocked.json")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _copy_source(target: Path) -> Path:
    source = target / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("bot", "prompts"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    return source


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run(  # noqa: S603 -- our own interpreter's pip, offline
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args, "--no-index"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


_RUN_FROM = """
import sys
target = sys.argv.pop(1)
sys.path.insert(0, target)
import bot
assert bot.__file__.startswith(target), bot.__file__
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_the_wheel_ships_the_prompts_and_summarizes_from_another_directory(
    tmp_path: Path,
) -> None:
    source = _copy_source(tmp_path)  # a copy: parallel runs never share build/ folders
    dist = tmp_path / "dist"
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source), cwd=tmp_path)
    [wheel] = dist.glob("newsbot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = archive.read(info).decode()
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    for filename in TEMPLATE_FILES.values():
        assert f"bot/prompt_templates/{filename}" in names
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "bot").rglob("*.py")}
    assert modules <= names
    assert "License-Expression: MIT" in meta
    requires = {
        canonicalize_name(Requirement(line[15:]).name)
        for line in meta.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    }
    assert requires == set(_declared())
    assert "lxml-html-clean" in requires
    for minor in (11, 12, 13):
        assert f"Classifier: Programming Language :: Python :: 3.{minor}" in meta
    assert "newsbot = bot.__main__:main" in entry_points

    target = tmp_path / "installed"
    _pip("install", "--no-deps", "--target", str(target), str(wheel), cwd=tmp_path)
    work = tmp_path / "elsewhere"  # not the checkout: nothing found by accident
    work.mkdir()
    article = work / "article.txt"
    article.write_text((FIXTURES / "seed-article.txt").read_text(encoding="utf-8"), "utf-8")
    env = {
        **os.environ,
        "ANTHROPIC_API_KEY": "sk-test",
        "ANTHROPIC_MAX_ATTEMPTS": "1",
        "LOG_LEVEL": "error",
    }
    with FakeAnthropic() as fake:
        fake.script(Reply.summary(list(SEED_BULLETS[:3])))
        env["ANTHROPIC_BASE_URL"] = fake.base_url
        done = subprocess.run(  # noqa: S603 -- our own interpreter, the wheel's code
            [sys.executable, "-c", _RUN_FROM, str(target), "summarize", str(article)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert f"• {SEED_BULLETS[0]}" in done.stdout.splitlines()
    [request] = fake.message_requests
    assert request.body["system"][0]["text"].strip()  # the shipped system prompt was sent
