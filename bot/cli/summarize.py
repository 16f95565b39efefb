"""``newsbot summarize URL|FILE`` — print the draft a reporter would get, with its checks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.domain import Article
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.summarizer import Draft

# Plain-text files are read as the article text itself; anything else goes through extraction.
_TEXT_SUFFIXES = {".txt", ".text", ".md"}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "summarize",
        help="summarize an article link or file and print the draft with its checks",
        description="Fetch URL (or read a local HTML or plain-text FILE), summarize it in the "
        "house style and print heading, bullets, disclaimer, the automatic checks (as "
        "warnings), evidence, tokens and cost. Needs ANTHROPIC_API_KEY unless --engine "
        "extractive or SUMMARY_FALLBACK_ENGINE=extractive. On a refusal: one sentence on "
        "stderr, exit 1.",
    )
    parser.add_argument("source", metavar="URL|FILE")
    parser.add_argument(
        "--json", action="store_true", help="print the structured draft (with checks) as JSON"
    )
    parser.add_argument(
        "--engine",
        choices=("claude", "extractive"),
        default=None,
        help="claude or extractive (the article's lead sentences, offline, no AI); default: "
        "as the bot does, Claude with SUMMARY_FALLBACK_ENGINE when the model is unavailable",
    )
    parser.add_argument(
        "--instruction",
        metavar="TEXT",
        help="an editor's wish for this draft, e.g. 'shorter' (as on Regenerate)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.summarizer import build_summarizer

    summarizer = build_summarizer(settings, engine=args.engine)
    article = load_article(args.source, settings)
    draft = summarizer.summarize(article, instruction=args.instruction)
    if args.json:
        json.dump(draft.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_draft(draft, settings.bot_language, sys.stdout)
    return 0


def load_article(source: str, settings: Settings) -> Article:
    path = Path(source)
    if path.suffix.lower() in _TEXT_SUFFIXES and "://" not in source:
        from bot.articles.errors import FileNotReadable

        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except FileNotFoundError:
            raise FileNotReadable(str(path), reason="there is no such file") from None
        except OSError as exc:
            raise FileNotReadable(str(path), reason=exc.strerror or "it cannot be read") from None
        return Article(url=str(path), final_url=str(path), title=None, text=text, language=None)

    from bot.articles.pipeline import ArticlePipeline

    return ArticlePipeline.from_settings(settings).load(source)


def print_draft(draft: Draft, lang: str, out: TextIO) -> None:
    """The human-readable draft: text first, then warnings, evidence and usage."""
    from bot.i18n import t

    if not draft.ai_generated:
        out.write(t("summary.extractive", lang) + "\n\n")
    out.write(f"{draft.heading}\n")
    if draft.headline and not draft.fields:
        out.write(f"{draft.headline}\n")
    out.write("\n")
    for bullet in draft.bullets:
        out.write(f"• {bullet}\n")
    for name, text in draft.fields:
        out.write(f"\n{t('field.' + name, lang)}: {text}\n")
    out.write(f"\n{draft.disclaimer}\n\n")

    if draft.checks:
        out.write(t("summary.warnings", lang) + "\n")
        for check in draft.checks:
            where = (
                t("summary.bullet_label", lang, number=check.bullet + 1)
                if check.bullet is not None
                else t("field." + check.field, lang)
                if check.field is not None
                else t("summary.headline_label", lang)
                if check.kind in ("number", "quote", "attribution", "name", "artefact", "negation")
                else ""
            )
            prefix = f"{where}: " if where else ""
            out.write(f"  ⚠ {prefix}{check.sentence(lang)}\n")
    else:
        out.write(t("summary.no_warnings", lang) + "\n")

    if draft.evidence:
        out.write("\n" + t("summary.evidence", lang) + "\n")
        for item in draft.evidence:
            sentence = item.sentence or t("summary.no_evidence", lang)
            out.write(f"  [{item.bullet + 1}] {item.score:.2f}  {sentence}\n")

    if draft.usage:
        usage = draft.usage
        out.write(
            "\n"
            + t(
                "summary.usage",
                lang,
                model=usage.model,
                prompt_version=draft.prompt_version,
                input_tokens=usage.prompt_tokens,
                cache_read=usage.cache_read_input_tokens,
                cache_write=usage.cache_creation_input_tokens,
                output_tokens=usage.output_tokens,
                cost=f"{usage.cost_usd:.6f}",
            )
            + "\n"
        )
