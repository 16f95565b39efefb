"""From a link (or a local HTML file) to an :class:`~bot.domain.Article`: fetch, then extract."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from bot.articles.charset import decode_html
from bot.articles.credentials import FetchCredential, resolve
from bot.articles.errors import FileNotReadable, InvalidUrl
from bot.articles.extract import extract_article
from bot.articles.fetch import Fetcher, FetchPolicy
from bot.articles.links import normalize_url
from bot.cpu import cpu_bound
from bot.domain import Article
from bot.logs import get_logger
from bot.settings import Settings

log = get_logger(__name__)

# Local files are read whole; a page larger than this is not an article.
_MAX_FILE_BYTES = 20_000_000


class ArticlePipeline:
    """Fetch and extract. Raises only :class:`~bot.articles.errors.ArticleError` subclasses."""

    def __init__(self, fetcher: Fetcher, *, min_words: int = 80) -> None:
        self._fetcher = fetcher
        self._min_words = min_words

    @classmethod
    def from_settings(
        cls, settings: Settings, *, credentials: tuple[FetchCredential, ...] = ()
    ) -> ArticlePipeline:
        """``credentials``: fetch credentials from elsewhere than ``FETCH_CREDENTIALS`` (the
        desks file's ``[fetch_credentials]``), their values read from the environment now."""
        policy = FetchPolicy.from_settings(settings, credentials=resolve(credentials))
        return cls(Fetcher(policy), min_words=settings.min_article_words)

    def load(self, source: str) -> Article:
        """``source`` is an http(s) URL or the path of a local HTML file (any encoding)."""
        if _looks_like_url(source):
            return self.fetch_article(source)
        return self.read_file(Path(source))

    def fetch_article(self, url: str) -> Article:
        normalized = normalize_url(url)
        if normalized is None:
            raise InvalidUrl(f"not an http(s) article URL: {url[:200]!r}")
        page = self._fetcher.fetch(normalized)
        started = time.perf_counter()
        with cpu_bound():  # parsing is CPU work: not sixteen workers at once (bot/cpu.py)
            article = extract_article(
                page.text, url=normalized, final_url=page.final_url, min_words=self._min_words
            )
        log.info(
            "article.extracted",
            url=normalized,
            final_url=page.final_url,
            words=article.word_count,
            language=article.language,
            fetch_ms=round(page.elapsed_ms, 1),
            extract_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return article

    def read_file(self, path: Path) -> Article:
        try:
            if path.stat().st_size > _MAX_FILE_BYTES:
                raise FileNotReadable(str(path), reason="it is too large to be an article page")
            body = path.read_bytes()
        except FileNotFoundError:
            raise FileNotReadable(
                str(path),
                reason="there is no such file (for a web page, give the full https:// link)",
            ) from None
        except IsADirectoryError:
            raise FileNotReadable(str(path), reason="it is a folder, not a file") from None
        except PermissionError:
            raise FileNotReadable(str(path), reason="permission denied") from None
        except OSError as exc:
            raise FileNotReadable(str(path), reason=exc.strerror or "it cannot be read") from None
        text, _charset = decode_html(body, None)
        article = extract_article(text, url=str(path), final_url=None, min_words=self._min_words)
        if article.canonical_url:
            article = replace(article, final_url=article.canonical_url)
        return article


def _looks_like_url(source: str) -> bool:
    """Anything with a scheme is a URL (so ``file:`` is refused like other non-http links)."""
    scheme = urlsplit(source).scheme
    return len(scheme) > 1 or source.startswith("//")
