"""The desks file's schema (pydantic, unknown keys refused) and its errors as sentences.

Each problem becomes ONE sentence naming the file, the desk and the key, e.g.
``desks.toml: desk "sport", key "bullets": must be a whole number from 2 to 5.``
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.domain import FIELD_LIMIT_MAX, FIELD_LIMIT_MIN, SUMMARY_FIELD_NAMES

CHANNEL_ID: Final = re.compile(r"^[CGD][A-Z0-9]{2,30}$")
# A user id, or "T123:U456": that user in workspace T123 only (as EDITOR_USER_IDS).
USER_ID: Final = re.compile(r"^(T[A-Z0-9]{2,30}:)?[UW][A-Z0-9]{2,30}$")
USERGROUP_ID: Final = re.compile(r"^S[A-Z0-9]{2,30}$")
LANGUAGE: Final = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
ENV_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DESK_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

Text = Annotated[str, StringConstraints(max_length=2000)]

# What each key must be, as the end of the sentence that reports it.
REQUIREMENTS: Final[dict[str, str]] = {
    "channels": 'must be a list of at least one Slack channel id, like ["C0123ABC"]',
    "language": 'must be a language code like "de" or "en", or "article" to follow the article',
    "style": "must be the path of a Markdown file of house-style instructions",
    "bullets": "must be a whole number from 2 to 5",
    "words_per_bullet": "must be a whole number from 8 to 80",
    "heading": "must be a text (empty for none)",
    "disclaimer": "must be a text (empty for none)",
    "editors": 'must be a list of Slack user ids, like ["U01ABC", "T0TEAM:U02DEF"]',
    "editor_usergroup": 'must be a Slack user group id, like "S0EDITORS"',
    "webhook_url": "must be an absolute http(s) URL, like https://cms.example.org/hooks/newsbot",
    "webhook_secret_env": (
        "must be the name of the environment variable that holds the webhook secret"
    ),
    "fields": (
        f"must map {', '.join(SUMMARY_FIELD_NAMES)} to character limits "
        f"from {FIELD_LIMIT_MIN} to {FIELD_LIMIT_MAX}"
    ),
}


class DeskModel(BaseModel):
    """One ``[desks.NAME]`` table; every key optional but ``channels``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    channels: list[Annotated[str, StringConstraints(pattern=CHANNEL_ID.pattern)]] = Field(
        min_length=1
    )
    language: (
        Annotated[str, StringConstraints(pattern=r"^(article|[a-z]{2,3}(-[a-z0-9]{2,8})?)$")] | None
    ) = None
    style: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None
    bullets: int | None = Field(default=None, ge=2, le=5)
    words_per_bullet: int | None = Field(default=None, ge=8, le=80)
    heading: Text | None = None
    disclaimer: Text | None = None
    editors: list[Annotated[str, StringConstraints(pattern=USER_ID.pattern)]] | None = None
    editor_usergroup: Annotated[str, StringConstraints(pattern=USERGROUP_ID.pattern)] | None = None
    webhook_url: Annotated[str, StringConstraints(pattern=r"^https?://[^/\s?#]+")] | None = None
    webhook_secret_env: Annotated[str, StringConstraints(pattern=ENV_NAME.pattern)] | None = None
    fields: dict[str, int] | None = None


class DesksModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    desks: dict[str, DeskModel] = Field(min_length=1)
    # Per-host fetch credentials, {host = {header = "...", env = "..."}}: validated by
    # bot.articles.credentials.credentials_from_table (the same rules as FETCH_CREDENTIALS).
    fetch_credentials: dict[str, Any] = Field(default_factory=dict)


def where(file: str, desk: str | None = None, key: str | None = None) -> str:
    """``desks.toml: desk "sport", key "bullets"`` — the start of every sentence."""
    text = file
    if desk is not None:
        text += f': desk "{desk}"'
        if key is not None:
            text += f', key "{key}"'
    return text


def sentences(file: str, exc: ValidationError) -> list[str]:
    """One sentence per problem pydantic found, naming the file, the desk and the key."""
    found: list[str] = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        found.append(_sentence(file, loc, err))
    return list(dict.fromkeys(found))


def _sentence(file: str, loc: list[str], err: Any) -> str:
    if not loc or loc[0] != "desks":
        if err["type"] == "extra_forbidden":
            return (
                f'{file}: the top-level key "{loc[0]}" is not known; put desks under [desks.NAME].'
            )
        return f"{file}: needs at least one desk, written as a [desks.NAME] table."
    if len(loc) == 1:
        return f"{file}: needs at least one desk, written as a [desks.NAME] table."
    desk = loc[1]
    if len(loc) == 2:
        return f"{where(file, desk)}: must be a table of desk settings."
    key = loc[2]
    if err["type"] == "extra_forbidden":
        known = ", ".join(REQUIREMENTS)
        return f"{where(file, desk, key)}: is not a desk setting; the settings are {known}."
    if err["type"] == "missing":
        return f"{where(file, desk, key)}: is required; {REQUIREMENTS.get(key, 'set it')}."
    return f"{where(file, desk, key)}: {REQUIREMENTS.get(key, err['msg'])}."
