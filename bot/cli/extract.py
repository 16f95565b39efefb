"""``newsbot extract URL|FILE`` — print the extracted article as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.settings import Settings


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "extract",
        help="fetch a page (or read a local HTML file) and print the article as JSON",
        description="Fetch URL safely, or read a local HTML FILE in any encoding, and print "
        "the extracted article as JSON. On a refusal: one sentence on stderr, exit 1.",
    )
    parser.add_argument("source", metavar="URL|FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.articles.pipeline import ArticlePipeline

    pipeline = ArticlePipeline.from_settings(settings)
    article = pipeline.load(args.source)
    json.dump(article.to_json(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
