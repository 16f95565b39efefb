"""Prompt files: one render function that fails on a missing placeholder; a content-hash version."""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path

import pytest

from bot.summarizer.prompts import (
    TEMPLATE_FILES,
    PromptError,
    PromptSet,
    default_prompt_dir,
    render,
)
from bot.summarizer.request import build_request, prepare_article
from bot.summarizer.types import HouseStyle
from tests.summarizer.conftest import seed_article

REPO_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def test_render_fills_placeholders() -> None:
    assert render(
        "Write {{bullets}} bullets of {{ max_words }} words.", {"bullets": 3, "max_words": 30}
    ) == ("Write 3 bullets of 30 words.")


def test_render_fails_on_a_missing_placeholder() -> None:
    with pytest.raises(PromptError, match="max_words"):
        render("Write {{bullets}} bullets of {{max_words}} words.", {"bullets": 3})


def test_values_are_not_expanded_again() -> None:
    assert render("<text>{{text}}</text>", {"text": "{{text}} {{secret}}"}) == (
        "<text>{{text}} {{secret}}</text>"
    )


def test_repository_prompts_load_and_render_without_leftovers() -> None:
    prompts = PromptSet.load()
    style = HouseStyle(bullets=4, max_words_per_bullet=25)
    prepared = prepare_article(seed_article(), prompts, style, budget_tokens=6000)
    system, messages = build_request(
        prompts, style, prepared, instruction="kürzer", correction="it was not JSON."
    )
    content = messages[0]["content"]
    assert not isinstance(content, str)
    texts = [system[0]["text"], *(str(dict(block).get("text", "")) for block in content)]
    assert all("{{" not in text for text in texts)
    assert "Write 4 bullets" in system[0]["text"]
    assert "at most 25 words" in system[0]["text"]
    assert "Language of the summary: German (de)" in texts[2]


def test_version_is_a_hash_of_the_files_and_changes_with_them(tmp_path: Path) -> None:
    for filename in TEMPLATE_FILES.values():
        shutil.copy(REPO_PROMPTS / filename, tmp_path / filename)
    original = PromptSet.load(tmp_path)
    assert original.version == PromptSet.load(REPO_PROMPTS).version

    task = tmp_path / TEMPLATE_FILES["task"]
    task.write_text(task.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
    assert PromptSet.load(tmp_path).version != original.version


def test_the_default_templates_are_the_repositorys_prompts_folder_shipped_as_package_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # found through the package, not the working directory
    shipped = default_prompt_dir()
    for filename in TEMPLATE_FILES.values():
        assert (shipped / filename).read_text(encoding="utf-8") == (
            REPO_PROMPTS / filename
        ).read_text(encoding="utf-8")
    assert PromptSet.load().version == PromptSet.load(REPO_PROMPTS).version


def test_missing_template_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError):
        PromptSet.load(tmp_path)


def test_a_template_with_an_unknown_placeholder_fails_at_render(tmp_path: Path) -> None:
    for filename in TEMPLATE_FILES.values():
        shutil.copy(REPO_PROMPTS / filename, tmp_path / filename)
    (tmp_path / TEMPLATE_FILES["system"]).write_text("Use {{tone}} tone.", encoding="utf-8")
    prompts = PromptSet.load(tmp_path)
    prepared = prepare_article(seed_article(), prompts, HouseStyle(), budget_tokens=6000)
    with pytest.raises(PromptError, match="tone"):
        build_request(prompts, HouseStyle(), prepared)


def test_a_source_checkout_without_an_install_of_its_own_reads_its_prompts_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.summarizer.prompts as module

    def not_installed(package: str) -> Path:
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)

    monkeypatch.setattr(importlib.resources, "files", not_installed)
    assert PromptSet.load().version == PromptSet.load(REPO_PROMPTS).version
    # Neither installed nor in a checkout: one sentence saying what to do.
    monkeypatch.setattr(module, "__file__", str(tmp_path / "bot" / "summarizer" / "prompts.py"))
    with pytest.raises(PromptError, match="reinstall newsbot or set SUMMARY_PROMPT_DIR"):
        PromptSet.load()


def test_a_prompt_folder_from_before_the_fields_template_takes_the_shipped_one(
    tmp_path: Path,
) -> None:
    for name, filename in TEMPLATE_FILES.items():
        if name != "fields":
            shutil.copy(REPO_PROMPTS / filename, tmp_path / filename)
    prompts = PromptSet.load(tmp_path)
    assert prompts.fields == (REPO_PROMPTS / TEMPLATE_FILES["fields"]).read_text().strip()
    assert prompts.version == PromptSet.load(REPO_PROMPTS).version
    style = HouseStyle(fields=(("headline", 70), ("teaser", 300)))
    prepared = prepare_article(seed_article(), prompts, style, budget_tokens=6000)
    _system, messages = build_request(prompts, style, prepared)
    content = messages[0]["content"]
    assert not isinstance(content, str)
    fields_block = str(dict(list(content)[-1]).get("text", ""))
    assert '- "headline": a factual headline, at most 70 characters' in fields_block
    assert "{{" not in fields_block
