"""Typed refusals of the article pipeline; each maps to one sentence in ``bot.i18n.articles``."""

from __future__ import annotations

from bot.domain import UserFacingError


class ArticleError(UserFacingError):
    """Base class: the article could not be fetched or extracted."""

    code = "article"


class InvalidUrl(ArticleError):
    code = "invalid_url"


class AddressNotAllowed(ArticleError):
    """The host resolves to loopback, private, link-local… addresses, or the port is not allowed."""

    code = "address_not_allowed"


class PortNotAllowed(AddressNotAllowed):
    """The link names a port other than the allowed ones (80/443 by default)."""

    code = "port_not_allowed"


class DomainNotAllowed(ArticleError):
    code = "domain_not_allowed"


class Unreachable(ArticleError):
    """DNS failure, connection refused or reset, TLS failure."""

    code = "unreachable"
    retryable = True


class NotAWebPage(ArticleError):
    code = "not_a_web_page"


class TooLarge(ArticleError):
    code = "too_large"


class TooSlow(ArticleError):
    code = "too_slow"
    retryable = True


class TooManyRedirects(ArticleError):
    code = "too_many_redirects"


class HttpError(ArticleError):
    """Base for HTTP status refusals; ``status`` is in ``params``."""

    code = "http_error"

    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(detail or f"HTTP {status}", status=status)
        self.status = status


class HttpNotFound(HttpError):
    code = "http_not_found"


class HttpForbidden(HttpError):
    """401/403: often an anti-bot wall or a login."""

    code = "http_forbidden"


class HttpRateLimited(HttpError):
    code = "http_rate_limited"
    retryable = True


class HttpServerError(HttpError):
    code = "http_server_error"
    retryable = True


class Paywalled(ArticleError):
    code = "paywalled"


class NoArticleText(ArticleError):
    code = "no_article_text"


class TeaserOnly(NoArticleText):
    """Too little text to be the article and no paywall marker: a teaser, video or gallery."""

    code = "teaser_only"


class FileNotReadable(ArticleError):
    code = "file_not_readable"


def http_error_for(status: int) -> HttpError:
    """The typed refusal for a non-2xx final status."""
    if status in (404, 410):
        return HttpNotFound(status)
    if status in (401, 403, 451):
        return HttpForbidden(status)
    if status == 429:
        return HttpRateLimited(status)
    if status >= 500:
        return HttpServerError(status)
    return HttpError(status)
