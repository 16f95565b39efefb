"""Prompt templates live as Markdown files in ``prompts/``; one function renders them all."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.summarizer.errors import SummarizerMisconfigured

#: The repository's prompts folder (``bot/summarizer/prompts.py`` → ``<repo>/prompts``).
DEFAULT_PROMPT_DIR = Path(__file__).resolve().parents[2] / "prompts"

TEMPLATE_FILES = {
    "system": "summary-system.md",
    "article": "summary-article.md",
    "task": "summary-task.md",
    "editor_request": "summary-editor-request.md",
    "correction": "summary-correction.md",
}

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class PromptError(SummarizerMisconfigured):
    """A template is missing, unreadable or uses a placeholder nobody supplies."""


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill ``{{name}}`` placeholders in one pass; a placeholder without a value is an error.

    One pass means a value that itself contains ``{{x}}`` (an article can) is never expanded.
    """
    missing = sorted(placeholders(template) - values.keys())
    if missing:
        raise PromptError(f"prompt placeholder(s) without a value: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


@dataclass(frozen=True, slots=True)
class PromptSet:
    """The summarizer's templates and their version (a hash of all of them)."""

    system: str
    article: str
    task: str
    editor_request: str
    correction: str
    version: str

    @classmethod
    def load(cls, directory: str | Path | None = None) -> PromptSet:
        folder = Path(directory) if directory else DEFAULT_PROMPT_DIR
        texts: dict[str, str] = {}
        digest = hashlib.sha256()
        for name, filename in TEMPLATE_FILES.items():
            path = folder / filename
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise PromptError(f"cannot read prompt template {path}: {exc}") from exc
            texts[name] = text.strip()
            digest.update(filename.encode() + b"\0" + texts[name].encode() + b"\0")
        return cls(version=digest.hexdigest()[:12], **texts)

    def render(self, name: str, values: Mapping[str, object]) -> str:
        template: str = getattr(self, name)
        return render(template, values)
