"""One typed settings object, read once in the composition root (``bot.__main__``).

Every variable of the README's Configuration table lives here. Nothing reads the environment at
import time: call :func:`load_settings`, then :meth:`Settings.require` with what the command
needs, so ``newsbot extract`` runs without any Slack or Anthropic key and a misconfigured
``serve`` fails with one message naming every missing or invalid variable.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain import FIELD_LIMIT_MAX, FIELD_LIMIT_MIN, SUMMARY_FIELD_NAMES

CommaList = Annotated[list[str], NoDecode]
IntCommaList = Annotated[list[int], NoDecode]
FieldLimits = Annotated[tuple[tuple[str, int], ...], NoDecode]
FloatCommaList = Annotated[list[float], NoDecode]

DEFAULT_MODEL = "claude-haiku-5-5"
# The bot scopes manifest.yml asks for (tests/test_manifest.py keeps that file honest); the
# default of SLACK_SCOPES, what the OAuth install asks a workspace for.
MANIFEST_BOT_SCOPES = (
    "channels:history",
    "groups:history",
    "chat:write",
    "chat:write.public",
    "commands",
    "reactions:write",
    "usergroups:read",
    "users:read",
)
DEFAULT_USER_AGENT = (
    "newsbot/0.1 (Slack summary bot for newsrooms; +https://github.com/newsbot-dev/newsbot)"
)


class ConfigError(Exception):
    """Configuration is missing or invalid; the message names every offending variable."""


def _split_commas(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        validate_default=True,
    )

    # --- Slack -------------------------------------------------------------------------------
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # OAuth mode (many workspaces): set both; then SLACK_BOT_TOKEN must be unset. The install
    # asks for SLACK_SCOPES (default: the manifest's bot scopes); state values live this many
    # seconds; SLACK_REDIRECT_URI only if the app lists several redirect URLs.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: CommaList = Field(default_factory=lambda: list(MANIFEST_BOT_SCOPES))
    slack_redirect_uri: str | None = None
    slack_state_expiration_s: int = Field(default=600, ge=60, le=3600)
    # Refresh a rotating bot token this many minutes before it expires (token rotation on).
    slack_token_rotation_minutes: int = Field(default=120, ge=1, le=720)
    # How long a workspace's bot token is kept in memory before the database is asked again.
    slack_installation_cache_s: float = Field(default=60.0, ge=0, le=3600)
    editor_user_ids: CommaList = Field(default_factory=list)
    editor_usergroup_id: str | None = None
    slack_channel_allowlist: CommaList = Field(default_factory=list)
    max_links_per_message: int = Field(default=5, ge=1, le=50)
    # The same URL posted again in a channel within this window links to the earlier thread
    # instead of a new model call; 0 turns that off.
    duplicate_window_s: float = Field(default=24 * 3600.0, ge=0)
    # Members of EDITOR_USERGROUP_ID are looked up at most this often (usergroups.users.list).
    editor_cache_s: float = Field(default=300.0, ge=0)
    # Bolt's listener pool: listeners only ack and write to the database, slow work runs in
    # the summary workers, so a modest pool keeps acks fast under load.
    slack_listener_threads: int = Field(default=16, ge=1, le=256)
    # Retries within one Slack call (bot.slack.retry, the one retry layer): HTTP 5xx, 429 with
    # a Retry-After up to SLACK_RETRY_AFTER_CAP_S, connection errors and timeouts, after
    # SLACK_RETRY_BACKOFF_S × 2^n (at most 4× that, jittered). Short, so a worker is not held:
    # a card that still could not be shown is marked and repaired by the sweep below.
    slack_max_retries: int = Field(default=2, ge=0, le=10)
    slack_retry_backoff_s: float = Field(default=0.5, ge=0, le=10)
    slack_retry_after_cap_s: float = Field(default=5.0, ge=0, le=60)
    # Per-workspace, per-method budgets under Slack's rate-limit tiers (bot/slack/budget.py).
    # SLACK_RATE_SCALE multiplies every tier's rate (Slack's "50+ per minute" can be more for
    # some workspaces; a test fake may run its minutes faster). A summary worker waits at most
    # SLACK_POST_WAIT_CAP_S for its channel's budget to post a new card, else the card is
    # posted by the repairer when the budget refills; card updates never wait.
    slack_rate_scale: float = Field(default=1.0, gt=0, le=1000)
    slack_post_wait_cap_s: float = Field(default=2.0, ge=0, le=30)
    # Seconds one Slack call may take (connect and answer) before it counts as failed.
    slack_timeout_s: int = Field(default=10, ge=1, le=60)
    # How often cards Slack did not take (an outage) are redrawn from the database; also once
    # at start.
    slack_repair_interval_s: float = Field(default=30.0, gt=0)
    # How long an event's ack waits for its drafts to be committed: the ack path records before
    # it answers, so a database error makes Slack retry the event instead of losing it. Past
    # this wait (a stalled database) the ack goes out anyway, inside Slack's 3 s, and the write
    # goes on. 0: ack at once without waiting (fastest, but a failed write is only logged).
    slack_ack_wait_s: float = Field(default=2.0, ge=0, le=2.5)

    # --- Anthropic / summaries ----------------------------------------------------------------
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = DEFAULT_MODEL
    anthropic_timeout_s: float = Field(default=60.0, gt=0)
    anthropic_max_attempts: int = Field(default=4, ge=1, le=10)
    anthropic_deadline_s: float = Field(default=120.0, gt=0)
    anthropic_retry_after_cap_s: float = Field(default=30.0, ge=0)
    summary_bullets: int = Field(default=3, ge=2, le=5)
    summary_max_words_per_bullet: int = Field(default=30, ge=8, le=80)
    summary_language: str | None = None  # None: the article's language
    # Unset: the catalogue's heading and disclaimers (bot/i18n/summarizer.py) in the summary's
    # language, or in BOT_LANGUAGE for a language it lacks (it has en and de). Set: this text
    # for every summary; set but empty: none shown.
    summary_heading: str | None = None
    summary_disclaimer: str | None = None
    summary_input_token_budget: int = Field(default=6000, ge=500)
    summary_max_output_tokens: int = Field(default=1024, ge=128)
    summary_fallback_engine: Literal["none", "extractive"] = "none"
    # output_config.effort; Haiku 5.5 thinks adaptively by default and thinking tokens count
    # toward max_tokens (platform.claude.com/docs/en/models/haiku-5-5/whats-new-haiku-5-5).
    # None: not sent, for models without effort support (e.g. claude-haiku-4-5).
    summary_effort: Literal["low", "medium", "high"] | None = "low"
    summary_extractive_disclaimer: str | None = None  # as SUMMARY_DISCLAIMER, for lead drafts
    summary_prompt_dir: str | None = None  # None: the prompts/ shipped with the package
    # Extra output fields beside the bullets, each with its character limit, in order:
    # "headline:70,teaser:300,seo_description:160,social:280". Empty: bullets only.
    summary_fields: FieldLimits = ()
    # USD per million tokens: input, output, 5-minute cache write, cache read. Defaults: Claude
    # Haiku 5.5 for prompts up to 100,000 tokens (platform.claude.com/docs/en/models/haiku-5-5/
    # overview, "Pricing"); longer prompts cost 5x, beyond SUMMARY_INPUT_TOKEN_BUDGET's range.
    price_input_per_mtok: Decimal = Decimal("0.10")
    price_output_per_mtok: Decimal = Decimal("0.50")
    price_cache_write_per_mtok: Decimal = Decimal("0.125")
    price_cache_read_per_mtok: Decimal = Decimal("0.01")

    # --- Publishing ---------------------------------------------------------------------------
    publish_webhook_url: str | None = None
    publish_webhook_secret: SecretStr | None = None
    publish_timeout_s: float = Field(default=15.0, gt=0)
    publish_max_attempts: int = Field(default=8, ge=1, le=50)
    publish_max_age_s: float = Field(default=3600.0, gt=0)
    # Seconds before each webhook retry (the last repeats), each ±20 % jitter; Retry-After
    # (capped at 30 min) may ask for longer. Empty: the default 2,10,30,120,600,1800.
    publish_retry_schedule_s: FloatCommaList = Field(
        default_factory=lambda: [2.0, 10.0, 30.0, 120.0, 600.0, 1800.0]
    )
    # Outbox worker threads per process; a claimed delivery's lease (must outlast one attempt,
    # i.e. PUBLISH_TIMEOUT_S, with room to spare); idle poll interval (approvals wake it at once).
    publish_workers: int = Field(default=1, ge=1, le=16)
    publish_lease_s: float = Field(default=60.0, gt=0)
    publish_poll_s: float = Field(default=2.0, gt=0)

    # A TOML file of desks (channels → house style, editors, webhook; README "Desks"). Unset:
    # one global desk from the settings above.
    desks_file: str | None = None

    # --- Store --------------------------------------------------------------------------------
    database_url: str = "sqlite:///newsbot.db"
    # PostgreSQL connection pool per process (SQLAlchemy QueuePool): kept open, extra under
    # load, seconds a thread waits for one, seconds before a connection is replaced (0: never);
    # false: no server-side prepared statements (PgBouncer in transaction mode before 1.21).
    db_pool_size: int = Field(default=5, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=500)
    db_pool_timeout_s: float = Field(default=30.0, gt=0)
    db_pool_recycle_s: float = Field(default=0.0, ge=0)
    db_prepared_statements: bool = True
    # PostgreSQL: other processes' new work wakes this one's workers through LISTEN/NOTIFY on
    # one extra connection, made to DATABASE_LISTEN_URL if set (the server itself when
    # DATABASE_URL points at a PgBouncer in transaction mode, where LISTEN does not work),
    # else to DATABASE_URL. false: polling only (WORK_POLL_S, PUBLISH_POLL_S).
    database_listen: bool = True
    database_listen_url: str | None = None
    # A draft's worker holds its lease this long (renewed while working); claims per draft
    # before it is failed as "attempts_exhausted" instead of crashing workers forever.
    work_lease_s: float = Field(default=60.0, gt=0)
    work_max_attempts: int = Field(default=3, ge=1, le=20)
    # A passing failure (model overloaded, site down/slow/429) is retried by itself this many
    # times, after about base, 4×base, 16×base seconds (30 s, 2 min, 8 min); 0: only by hand.
    work_auto_retries: int = Field(default=3, ge=0, le=10)
    work_auto_retry_base_s: float = Field(default=30.0, gt=0)
    # Summary worker threads per process, and how often an idle worker looks for work that
    # another process queued (a local event wakes them at once). A worker spends most of a
    # draft waiting on the model (seconds) and little on CPU (tens of ms), so size them for the
    # model's latency: drafts per second ≈ WORKER_THREADS / model latency (README "Sizing").
    worker_threads: int = Field(default=16, ge=1, le=64)
    work_poll_s: float = Field(default=2.0, gt=0)
    # Article text of drafts older than this many days is removed (`newsbot purge`, and daily by
    # `serve`/`socket`); summaries, revisions and the audit trail stay. 0: keep forever.
    retention_days: int = Field(default=90, ge=0, le=36500)

    # --- Fetching -----------------------------------------------------------------------------
    fetch_allowed_domains: CommaList = Field(default_factory=list)
    fetch_allow_private_networks: bool = False
    fetch_allowed_ports: IntCommaList = Field(default_factory=lambda: [80, 443])
    fetch_max_bytes: int = Field(default=5_000_000, ge=10_000)
    fetch_connect_timeout_s: float = Field(default=5.0, gt=0)
    fetch_timeout_s: float = Field(default=20.0, gt=0)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    fetch_user_agent: str = DEFAULT_USER_AGENT
    # The newsroom's own paywalled sites: host=Header-Name:ENV_VAR entries, comma-separated;
    # the header is sent only over https to exactly that host. Parsed and checked (each
    # variable set) by bot/articles/credentials.py when the fetcher is built, at start.
    fetch_credentials: CommaList = Field(default_factory=list)
    # A PEM file of CA certificates that replaces the system trust store for fetching
    # (an intranet CMS with its own CA; tests).
    fetch_ca_bundle: Path | None = None
    min_article_words: int = Field(default=80, ge=1)

    # --- Serving and operations ---------------------------------------------------------------
    port: int = Field(default=3000, ge=1, le=65535)
    # waitress threads serving HTTP (POST /slack/events, GET /healthz).
    server_threads: int = Field(default=16, ge=1, le=256)
    bot_language: Literal["en", "de"] = "en"
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    log_format: Literal["json", "console"] | None = None  # None: console on a TTY, else json

    @field_validator(
        "editor_user_ids",
        "slack_scopes",
        "slack_channel_allowlist",
        "fetch_allowed_domains",
        "fetch_allowed_ports",
        "fetch_credentials",
        "publish_retry_schedule_s",
        mode="before",
    )
    @classmethod
    def _comma_lists(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("summary_fields", mode="before")
    @classmethod
    def _field_limits(cls, value: Any) -> Any:
        return parse_field_limits(value, "SUMMARY_FIELDS") if isinstance(value, str) else value

    @field_validator("publish_retry_schedule_s")
    @classmethod
    def _positive_steps(cls, value: list[float]) -> list[float]:
        if any(step <= 0 for step in value):
            raise ValueError("every step must be a number of seconds above 0")
        return value

    @field_validator("fetch_allowed_domains")
    @classmethod
    def _normalize_domains(cls, value: list[str]) -> list[str]:
        return [d.lower().strip(".").removeprefix("*.") for d in value]

    @field_validator("fetch_ca_bundle")
    @classmethod
    def _readable_bundle(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a readable file of PEM certificates")
        return value

    @field_validator("log_level", "log_format", "bot_language", "summary_effort", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower() or None
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("publish_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # A field validator (not a model one) so this is reported together with every other
        # invalid variable; PUBLISH_WEBHOOK_URL is declared first, so it is in info.data.
        if value is None:
            if info.data.get("publish_webhook_url"):
                raise ValueError("required when PUBLISH_WEBHOOK_URL is set")
            return None
        # Several secrets, space-separated, allow rotation; each is whsec_<base64>.
        for secret in value.get_secret_value().split():
            if not secret.startswith("whsec_"):
                raise ValueError("each secret must look like whsec_<base64>")
            try:
                base64.b64decode(secret.removeprefix("whsec_"), validate=True)
            except binascii.Error as exc:
                raise ValueError("the part after whsec_ must be base64") from exc
        return value

    @property
    def oauth(self) -> bool:
        """OAuth mode: installations in the database, one bot token per workspace."""
        return bool(self.slack_client_id)

    def require_slack(self, *mode_needs: str) -> Settings:
        """The Slack settings of the mode in use, each mistake one sentence: OAuth mode
        (SLACK_CLIENT_ID) needs the client secret and the signing secret and excludes
        SLACK_BOT_TOKEN; single-workspace mode needs SLACK_BOT_TOKEN. ``mode_needs`` are
        further settings the command needs (e.g. ``slack_app_token`` for Socket Mode)."""
        token_set = _present(self.slack_bot_token)
        if self.oauth and token_set:
            raise ConfigError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID exclude each other: unset SLACK_BOT_TOKEN "
                "for OAuth mode (many workspaces), or SLACK_CLIENT_ID for one workspace."
            )
        if self.oauth or _present(self.slack_client_secret):
            needed = ("slack_client_id", "slack_client_secret", "slack_signing_secret")
            try:
                return self.require(*needed, *mode_needs)
            except ConfigError as exc:
                raise ConfigError(f"OAuth mode: {exc}") from None
        return self.require("slack_bot_token", *mode_needs)

    def require(self, *names: str) -> Settings:
        """Fail with one message naming every variable in ``names`` that is unset."""
        missing = [name.upper() for name in names if not _present(getattr(self, name))]
        if missing:
            raise ConfigError("missing required setting(s): " + ", ".join(missing))
        return self


def parse_field_limits(text: str, where: str) -> tuple[tuple[str, int], ...]:
    """``"headline:70,teaser:300"`` → ``(("headline", 70), ("teaser", 300))``; a ValueError
    whose sentence names ``where`` (the variable or file) for anything else."""
    names = ", ".join(SUMMARY_FIELD_NAMES)
    found: list[tuple[str, int]] = []
    for part in _split_commas(text):
        name, sep, limit = (piece.strip() for piece in part.partition(":"))
        if name not in SUMMARY_FIELD_NAMES:
            raise ValueError(f"{where} names an unknown field {name!r}; the fields are {names}")
        if any(name == seen for seen, _ in found):
            raise ValueError(f"{where} names the field {name!r} twice")
        if not sep or not limit.isdigit():
            raise ValueError(
                f"{where} needs a character limit for {name!r}, written like {name}:160"
            )
        if not FIELD_LIMIT_MIN <= int(limit) <= FIELD_LIMIT_MAX:
            raise ValueError(
                f"{where} gives {name!r} a limit of {limit} characters; "
                f"use {FIELD_LIMIT_MIN} to {FIELD_LIMIT_MAX}"
            )
        found.append((name, int(limit)))
    return tuple(found)


def _present(value: Any) -> bool:
    if isinstance(value, SecretStr):
        return bool(value.get_secret_value())
    return value not in (None, "", [])


def load_settings(**overrides: Any) -> Settings:
    """Read the environment (and ``.env``) once; raise :class:`ConfigError` naming every problem."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]).upper()
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{loc}: {msg}" if loc else msg)
        raise ConfigError("invalid setting(s): " + "; ".join(problems)) from None
