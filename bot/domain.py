"""Domain values shared by the services (articles, summarizer, store, publisher).

Only plain data lives here, so the services can exchange values without importing
each other's internals (see the import contracts in pyproject.toml).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Final

# The extra output fields a CMS publishes beside the bullets, in their canonical order, and the
# bounds of their character limits (SUMMARY_FIELDS, a desk's [fields] table).
SUMMARY_FIELD_NAMES: Final[tuple[str, ...]] = ("headline", "teaser", "seo_description", "social")
FIELD_LIMIT_MIN: Final = 10
FIELD_LIMIT_MAX: Final = 5000


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted article: clean text plus metadata, ready to be summarized."""

    url: str
    final_url: str
    title: str | None
    text: str
    language: str | None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    site_name: str | None = None
    canonical_url: str | None = None
    paywalled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["word_count"] = self.word_count
        return data


class UserFacingError(Exception):
    """An error that maps to one plain sentence a reporter understands.

    ``code`` keys the sentence in ``bot.i18n``; ``retryable`` says whether trying
    again later can help (shown as a Retry button in Slack). The exception's own
    message is for logs only and is never shown to users.
    """

    code: ClassVar[str] = "internal"
    retryable: ClassVar[bool] = False

    def __init__(self, detail: str = "", **params: Any) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.params = params
