"""Prompt templates live as Markdown files in ``prompts/``; one function renders them all.

The repository's top-level ``prompts/`` folder ships inside the package as
``bot.prompt_templates`` (``pyproject.toml`` maps it), so an installed wheel finds the same
templates through :mod:`importlib.resources`; ``SUMMARY_PROMPT_DIR`` points at another folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.summarizer.errors import SummarizerMisconfigured

#: The package that holds the shipped templates (the repository's ``prompts/`` folder).
PROMPT_PACKAGE = "bot.prompt_templates"

TEMPLATE_FILES = {
    "system": "summary-system.md",
    "article": "summary-article.md",
    "task": "summary-task.md",
    "editor_request": "summary-editor-request.md",
    "correction": "summary-correction.md",
    "fields": "summary-fields.md",
    "desk_style": "summary-desk-style.md",
}
# Templates added after SUMMARY_PROMPT_DIR existed: a folder of one's own that lacks them
# takes the shipped one, so an upgrade does not break it.
_ADDED_LATER = frozenset({"fields", "desk_style"})

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class PromptError(SummarizerMisconfigured):
    """A template is missing, unreadable or uses a placeholder nobody supplies."""


def default_prompt_dir() -> Traversable:
    """The templates shipped with the package (in a checkout: the top-level ``prompts/``)."""
    try:
        return resources.files(PROMPT_PACKAGE)
    except ModuleNotFoundError as exc:
        # ``bot`` imported from a source checkout that has no install of its own (PYTHONPATH=.,
        # or ``python -m bot`` in the repository beside a plain install): its own prompts/.
        checkout = Path(__file__).resolve().parents[2] / "prompts"
        if (checkout / TEMPLATE_FILES["system"]).is_file():
            return checkout
        raise PromptError(
            f"the packaged prompt templates ({PROMPT_PACKAGE}) are missing: reinstall newsbot "
            "or set SUMMARY_PROMPT_DIR"
        ) from exc


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
    fields: str
    desk_style: str
    version: str

    @classmethod
    def load(cls, directory: str | Path | None = None) -> PromptSet:
        """The templates in ``directory``, or (None) the ones shipped with the package."""
        folder: Traversable = Path(directory) if directory else default_prompt_dir()
        texts: dict[str, str] = {}
        digest = hashlib.sha256()
        for name, filename in TEMPLATE_FILES.items():
            path = folder / filename
            if name in _ADDED_LATER and directory and not path.is_file():
                path = default_prompt_dir() / filename
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise PromptError(f"cannot read prompt template {path}: {exc}") from exc
            texts[name] = text.strip()
            digest.update(filename.encode() + b"\0" + texts[name].encode() + b"\0")
        return cls(version=digest.hexdigest()[:12], **texts)

    def version_for(self, instructions: str) -> str:
        """The prompt version of a summary: the templates' hash, and for a desk's own style
        (``HouseStyle.instructions``) ``+desk-`` and a hash of its text, so the draft records
        that, and which, desk style was used."""
        if not instructions:
            return self.version
        digest = hashlib.sha256(instructions.encode()).hexdigest()[:8]
        return f"{self.version}+desk-{digest}"

    def render(self, name: str, values: Mapping[str, object]) -> str:
        template: str = getattr(self, name)
        return render(template, values)
