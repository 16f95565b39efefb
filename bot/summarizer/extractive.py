"""A lead-sentence draft that needs no API key: the article's first sentences, not AI-written."""

from __future__ import annotations

import re
import time

from bot.domain import Article
from bot.logs import get_logger
from bot.settings import Settings
from bot.summarizer.checks import ArticleIndex, run_checks
from bot.summarizer.errors import ArticleTooShort
from bot.summarizer.fields import fit_to_limit
from bot.summarizer.text import (
    clean_paragraphs,
    detect_language,
    normalize_language,
    split_sentences,
)
from bot.summarizer.types import Draft, HouseStyle, Timings

log = get_logger(__name__)

# A "sentence" this short is a dateline, a caption or a heading glued to the text.
_MIN_SENTENCE_WORDS = 6
# Lines that are no lead sentence even when extraction let them through (it removes most):
# a byline ("Von Max Muster und Eva Roth, NDR", "By Jane Doe"), a credit, a promotion.
_BYLINE = re.compile(
    r"^(?i:von|by|text|fotos?|photos?|bilder?)\s*:?\s+"
    r"(?:(?:[A-ZÄÖÜÀ-Ý][\w.'’-]*|von|van|de|der|den|da|di|del|la|le|zu|und|and|&|,)\s*){1,16}$"
)
_PROMOTION = re.compile(
    r"\bam kiosk\b|\bhier (?:zu )?bestellen|\bjetzt (?:bestellen|abonnieren|testen|anmelden)"
    r"|\babonnieren sie\b|\bnewsletter\b|\bsign up (?:for|to|here|now)\b"
    r"|\bsubscribe (?:to|now|here)\b"
    r"|\bdelivered to your inbox\b|\b(?:follow us|folgen sie uns)\b",
    re.IGNORECASE,
)


class ExtractiveSummarizer:
    """Takes the article's lead sentences as bullets, each cut to the house-style length.

    Requested output fields are filled the same way, without a model: ``headline`` is the
    article's title (else its first lead sentence), ``teaser``, ``seo_description`` and
    ``social`` are as many whole lead sentences as fit the limit (else the first one cut at a
    word boundary). Every field is checked like the bullets.

    It works offline, so the tool can be tried without a key, and it can stand in when Claude
    is unavailable (``SUMMARY_FALLBACK_ENGINE=extractive``). Its drafts say they are not AI-written.
    """

    engine = "extractive"

    def __init__(
        self, style: HouseStyle, *, disclaimer: str | None = None, min_words: int = 80
    ) -> None:
        """``disclaimer``: this text on every draft; None: the style's extractive disclaimer
        in the article's language."""
        self.style = style
        self._disclaimer = disclaimer
        self._min_words = min_words

    @classmethod
    def from_settings(
        cls, settings: Settings, *, style: HouseStyle | None = None
    ) -> ExtractiveSummarizer:
        return cls(
            style or HouseStyle.from_settings(settings), min_words=settings.min_article_words
        )

    def summarize(self, article: Article, *, instruction: str | None = None) -> Draft:
        # ``instruction`` cannot change which sentences lead the article; it is ignored.
        started = time.perf_counter()
        paragraphs, _removed = clean_paragraphs(article.text, self.style.labels.ai_disclaimers())
        text = "\n".join(paragraphs)
        words = len(text.split())
        if words < self._min_words:
            raise ArticleTooShort(f"{words} words", words=words, minimum=self._min_words)
        language = normalize_language(article.language) or detect_language(text).language or "en"
        bullets: list[str] = []
        leads: list[str] = []
        for sentence in split_sentences(text, language):
            if len(sentence.split()) < _MIN_SENTENCE_WORDS or not _is_lead(sentence):
                continue
            leads.append(" ".join(sentence.split()))
            if len(bullets) < self.style.bullets:
                bullets.append(_shorten(sentence, self.style.max_words_per_bullet))
            if len(leads) >= max(self.style.bullets, _FIELD_SENTENCES):
                break
        fields = _lead_fields(article.title, leads, self.style.fields)
        prepare_ms = (time.perf_counter() - started) * 1000
        checks_started = time.perf_counter()
        checks, evidence = run_checks(
            article,
            bullets,
            self.style,
            language,
            fields=fields,
            index=ArticleIndex.build(article, language),
        )
        checks_ms = (time.perf_counter() - checks_started) * 1000
        log.info("summary.drafted", url=article.url, engine="extractive", bullets=len(bullets))
        return Draft(
            heading=self.style.labels.heading_for(language),
            bullets=tuple(bullets),
            headline=dict(fields).get("headline"),
            language=language,
            disclaimer=(
                self._disclaimer
                if self._disclaimer is not None
                else self.style.labels.disclaimer_for(language, extractive=True)
            ),
            model=None,
            prompt_version=None,
            engine="extractive",
            ai_generated=False,
            checks=checks,
            evidence=evidence,
            usage=None,
            timings=Timings(prepare_ms=prepare_ms, model_ms=0.0, checks_ms=checks_ms),
            fields=fields,
        )


_FIELD_SENTENCES = 4  # lead sentences gathered for the fields


def _lead_fields(
    title: str | None, leads: list[str], fields: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, str], ...]:
    """The requested fields from the title and the lead sentences (see the class)."""
    found: list[tuple[str, str]] = []
    for name, limit in fields:
        if name == "headline":
            source = (title or "").strip() or (leads[0] if leads else "")
            text = fit_to_limit(source, limit) if source else ""
        else:
            text = ""
            for sentence in leads:
                joined = f"{text} {sentence}".strip()
                if len(joined) > limit:
                    break
                text = joined
            if not text and leads:
                text = fit_to_limit(leads[0], limit)
        if text:
            found.append((name, text))
    return tuple(found)


def _is_lead(sentence: str) -> bool:
    """False for a byline or a promotion line, which never make a bullet."""
    return not (_BYLINE.match(sentence) or _PROMOTION.search(sentence))


def _shorten(sentence: str, max_words: int) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[:max_words]).rstrip(",;:–-") + " …"
