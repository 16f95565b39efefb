"""Desks: per-channel house style, editors and webhook (``DESKS_FILE``), and the global desk
built from the settings for every channel no desk claims.

:func:`load_desks` reads and validates the TOML file once at start; a broken file raises
:class:`DesksError` (a ``ConfigError``: the command line prints it and exits 2) whose message
is one sentence per problem, each naming the file, the desk and the key.
"""

from __future__ import annotations

import base64
import binascii
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import SecretStr, ValidationError

from bot.articles.credentials import CredentialError, FetchCredential, credentials_from_table
from bot.desks.schema import DESK_NAME, REQUIREMENTS, DeskModel, DesksModel, sentences, where
from bot.domain import FIELD_LIMIT_MAX, FIELD_LIMIT_MIN, SUMMARY_FIELD_NAMES
from bot.i18n.labels import SummaryLabels
from bot.logs import get_logger
from bot.settings import ConfigError, Settings
from bot.summarizer.types import HouseStyle

log = get_logger(__name__)


class DesksError(ConfigError):
    """The desks file is missing or broken; the message has one sentence per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Desk:
    """One desk with every value resolved: the desk's own, else the global setting's.

    ``name`` is None for the global desk (no desks file, or a channel no desk claims).
    ``editors``/``editor_usergroup`` go together: a desk that sets either decides alone who
    may review its drafts; one that sets neither keeps the global editors.
    """

    name: str | None
    channels: frozenset[str] = frozenset()
    language: str | None = None  # None: the article's language
    bullets: int = 3
    words_per_bullet: int = 30
    heading: str | None = None
    disclaimer: str | None = None
    extractive_disclaimer: str | None = None
    fallback_language: str = "en"
    instructions: str = ""  # the style file's text
    style_path: str | None = None
    editors: frozenset[str] = frozenset()
    editor_usergroup: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = field(default=None, repr=False)
    fields: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> Desk:
        """The global desk: today's single style, editors and webhook."""
        return cls(
            name=None,
            language=(settings.summary_language or "").strip().lower() or None,
            bullets=settings.summary_bullets,
            words_per_bullet=settings.summary_max_words_per_bullet,
            heading=settings.summary_heading,
            disclaimer=settings.summary_disclaimer,
            extractive_disclaimer=settings.summary_extractive_disclaimer,
            fallback_language=settings.bot_language,
            editors=frozenset(settings.editor_user_ids),
            editor_usergroup=settings.editor_usergroup_id,
            webhook_url=settings.publish_webhook_url,
            webhook_secret=settings.publish_webhook_secret,
            fields=tuple(settings.summary_fields),
        )

    @property
    def labels(self) -> SummaryLabels:
        return SummaryLabels(
            heading=self.heading,
            disclaimer=self.disclaimer,
            extractive_disclaimer=self.extractive_disclaimer,
            fallback_language=self.fallback_language,
        )

    def house_style(self) -> HouseStyle:
        return HouseStyle(
            bullets=self.bullets,
            max_words_per_bullet=self.words_per_bullet,
            language=self.language,
            labels=self.labels,
            fields=self.fields,
            instructions=self.instructions,
        )

    @property
    def webhook_host(self) -> str | None:
        return urlsplit(self.webhook_url).hostname if self.webhook_url else None


class Desks:
    """Which desk a channel, a draft or an editor belongs to."""

    def __init__(
        self,
        default: Desk,
        desks: Iterable[Desk] = (),
        *,
        file: str | None = None,
        credentials: tuple[FetchCredential, ...] = (),
    ):
        self.default = default
        self.desks = tuple(desks)
        self.file = file
        # The file's [fetch_credentials] (validated; their values are read from the
        # environment when the fetcher is built, bot.articles.credentials.resolve).
        self.credentials = credentials
        self._by_name = {desk.name: desk for desk in self.desks if desk.name}
        self._by_channel = {channel: desk for desk in self.desks for channel in desk.channels}

    @classmethod
    def from_settings(cls, settings: Settings, environ: Mapping[str, str] | None = None) -> Desks:
        """The desks of ``DESKS_FILE``, or only the global desk when it is not set."""
        default = Desk.from_settings(settings)
        if not settings.desks_file:
            return cls(default)
        if environ is None:
            # The secrets' variables may sit in .env beside the settings (the environment wins).
            dotenv = {k: v for k, v in dotenv_values(".env").items() if v is not None}
            environ = {**dotenv, **os.environ}
        return load_desks(settings.desks_file, default, environ)

    @property
    def configured(self) -> bool:
        """A desks file is in use."""
        return self.file is not None

    def for_channel(self, channel_id: str | None) -> Desk:
        return self._by_channel.get(channel_id or "", self.default)

    def by_name(self, name: str | None) -> Desk:
        """The desk recorded on a draft; the global desk for None, or for a desk that is no
        longer in the file (logged: its drafts then follow the global settings)."""
        if name is None:
            return self.default
        desk = self._by_name.get(name)
        if desk is None:
            log.warning("desk.unknown", desk=name)
            return self.default
        return desk

    def for_editor(self, user_id: str) -> tuple[Desk, ...]:
        """The desks that list ``user_id`` among their editors, plainly or for a workspace
        (``T123:U456``; user groups not looked up)."""
        return tuple(
            desk
            for desk in self.desks
            if any(entry.rsplit(":", 1)[-1] == user_id for entry in desk.editors)
        )

    def channels_for_editor(self, user_id: str) -> frozenset[str] | None:
        """The channels of the desks ``user_id`` edits; None when no desks file is in use."""
        if not self.configured:
            return None
        return frozenset(c for desk in self.for_editor(user_id) for c in desk.channels)


def load_desks(path: str, default: Desk, environ: Mapping[str, str]) -> Desks:
    """Read and validate the desks file; :class:`DesksError` names every problem."""
    file = Path(path)
    label = file.name
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DesksError([f"{label}: the desks file (DESKS_FILE={path}) does not exist."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DesksError([f"{label}: cannot read the desks file ({type(exc).__name__})."]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DesksError([f"{label}: is not valid TOML ({exc}).".replace(").)", "))")]) from None
    try:
        model = DesksModel.model_validate(raw)
    except ValidationError as exc:
        raise DesksError(sentences(label, exc)) from None
    problems: list[str] = []
    desks: list[Desk] = []
    owner: dict[str, str] = {}
    credentials: tuple[FetchCredential, ...] = ()
    try:
        credentials = credentials_from_table(
            model.fetch_credentials, f"{label} [fetch_credentials]"
        )
    except CredentialError as exc:
        problems.append(str(exc))
    for name, spec in model.desks.items():
        if not DESK_NAME.match(name):
            problems.append(
                f'{where(label, name)}: the name must be letters, digits, "-" or "_" (at most 64).'
            )
            continue
        for channel in spec.channels:
            if channel in owner:
                problems.append(
                    f"{where(label, name, 'channels')}: channel {channel} is already in desk "
                    f'"{owner[channel]}"; a channel belongs to at most one desk.'
                )
            else:
                owner[channel] = name
        desk = _resolve(
            name, spec, default=default, file=file, label=label, environ=environ, problems=problems
        )
        if desk is not None:
            desks.append(desk)
    if problems:
        raise DesksError(problems)
    return Desks(default, desks, file=str(file), credentials=credentials)


def _resolve(
    name: str,
    spec: DeskModel,
    *,
    default: Desk,
    file: Path,
    label: str,
    environ: Mapping[str, str],
    problems: list[str],
) -> Desk | None:
    before = len(problems)
    instructions = ""
    style_path: str | None = None
    if spec.style is not None:
        style = Path(spec.style)
        if not style.is_absolute():
            style = file.parent / style
        style_path = str(style)
        try:
            instructions = style.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            problems.append(f"{where(label, name, 'style')}: the file {spec.style} cannot be read.")
    fields = _fields(name, spec.fields, label, problems)
    url = spec.webhook_url if spec.webhook_url is not None else default.webhook_url
    secret = default.webhook_secret
    if spec.webhook_secret_env is not None:
        value = environ.get(spec.webhook_secret_env, "").strip()
        key = where(label, name, "webhook_secret_env")
        if not value:
            problems.append(
                f"{key}: the environment variable {spec.webhook_secret_env} is not set."
            )
        elif not _valid_secret(value):
            problems.append(
                f"{key}: the value of {spec.webhook_secret_env} must look like whsec_<base64>."
            )
        secret = SecretStr(value)
        if spec.webhook_url is None and default.webhook_url is None:
            problems.append(f"{key}: needs webhook_url, the endpoint the secret signs for.")
    elif spec.webhook_url is not None and default.webhook_secret is None:
        problems.append(
            f"{where(label, name, 'webhook_url')}: needs webhook_secret_env, the environment "
            "variable that holds its secret."
        )
    if len(problems) > before:
        return None
    own_editors = spec.editors is not None or spec.editor_usergroup is not None
    language = default.language
    if spec.language is not None:
        language = None if spec.language == "article" else spec.language
    return Desk(
        name=name,
        channels=frozenset(spec.channels),
        language=language,
        bullets=spec.bullets if spec.bullets is not None else default.bullets,
        words_per_bullet=(
            spec.words_per_bullet if spec.words_per_bullet is not None else default.words_per_bullet
        ),
        heading=spec.heading if spec.heading is not None else default.heading,
        disclaimer=spec.disclaimer if spec.disclaimer is not None else default.disclaimer,
        extractive_disclaimer=default.extractive_disclaimer,
        fallback_language=default.fallback_language,
        instructions=instructions,
        style_path=style_path,
        editors=frozenset(spec.editors or ()) if own_editors else default.editors,
        editor_usergroup=spec.editor_usergroup if own_editors else default.editor_usergroup,
        webhook_url=url,
        webhook_secret=secret,
        fields=fields if spec.fields is not None else default.fields,
    )


def _fields(
    name: str, table: Mapping[str, int] | None, label: str, problems: list[str]
) -> tuple[tuple[str, int], ...]:
    if table is None:
        return ()
    found: list[tuple[str, int]] = []
    for field_name, limit in table.items():  # TOML tables keep the file's order
        key = where(label, name, f"fields.{field_name}")
        if field_name not in SUMMARY_FIELD_NAMES:
            problems.append(
                f"{key}: is not a field; the fields are {', '.join(SUMMARY_FIELD_NAMES)}."
            )
        elif not FIELD_LIMIT_MIN <= limit <= FIELD_LIMIT_MAX:
            problems.append(
                f"{key}: must be a character limit from {FIELD_LIMIT_MIN} to {FIELD_LIMIT_MAX}."
            )
        else:
            found.append((field_name, limit))
    return tuple(found)


def _valid_secret(value: str) -> bool:
    # As PUBLISH_WEBHOOK_SECRET (bot.settings): space-separated whsec_<base64> for rotation.
    for secret in value.split():
        if not secret.startswith("whsec_"):
            return False
        try:
            base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            return False
    return True


__all__ = ["REQUIREMENTS", "Desk", "Desks", "DesksError", "load_desks"]
