"""The article pipeline: links from Slack messages, safe fetching, extraction."""

from __future__ import annotations

import importlib
import sys


def _import_trafilatura_without_langid() -> None:
    """Import trafilatura with its optional py3langid import declined.

    trafilatura imports py3langid (and with it numpy, ~20 MB) at import time, for language
    filtering (``target_language``) that this pipeline never asks for: with py3langid absent
    it sets ``LANGID_FLAG = False`` and extracts exactly the same. Our own language detection
    imports py3langid only when the stop words leave a language in doubt
    (:mod:`bot.articles.language`). A ``None`` in ``sys.modules`` makes an import raise
    ImportError (https://docs.python.org/3/reference/import.html#the-module-cache).
    """
    if "trafilatura" in sys.modules or "py3langid" in sys.modules:
        return
    sys.modules["py3langid"] = None  # type: ignore[assignment]  # declines the import
    try:
        importlib.import_module("trafilatura")
    finally:
        del sys.modules["py3langid"]


_import_trafilatura_without_langid()
