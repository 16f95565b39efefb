"""The doctor's checks, one method per area: configuration, database, Slack, model API,
webhook and prompt templates (:class:`Doctor`).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from bot.cli.doctor.checklist import Check, Status
from bot.cli.doctor.probes import (
    ConnectProbe,
    Resolver,
    TlsProbe,
    no_answer,
    resolve_host,
    tcp_connect,
    tls_handshake,
)
from bot.logs import get_logger
from bot.settings import MANIFEST_BOT_SCOPES, ConfigError, Settings

if TYPE_CHECKING:
    from bot.desks import Desks

log = get_logger(__name__)

# The bot scopes manifest.yml asks for (tests/test_manifest.py keeps that file honest).
REQUIRED_SCOPES: Final = MANIFEST_BOT_SCOPES


class Doctor:
    """Runs the checks; the network probes can be replaced (tests use loopback fakes)."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolve: Resolver = resolve_host,
        tls_probe: TlsProbe = tls_handshake,
        connect_probe: ConnectProbe = tcp_connect,
        required_scopes: Sequence[str] = REQUIRED_SCOPES,
    ) -> None:
        self.settings = settings
        self._resolve = resolve
        self._tls_probe = tls_probe
        self._connect_probe = connect_probe
        self._required_scopes = tuple(required_scopes)

    def run(self) -> list[Check]:
        checks: list[Check] = []
        steps = (
            self.configuration,
            self.database,
            self.slack,
            self.prompts,
            self.model,
            self.webhook,
        )
        for step in steps:
            try:
                checks.extend(step())
            except Exception:
                log.exception("doctor.check_crashed", check=step.__name__)
                checks.append(
                    Check(
                        step.__name__,
                        "fail",
                        "the check itself crashed (traceback in the log)",
                        "run with LOG_LEVEL=debug and report the traceback",
                    )
                )
        return checks

    # --- configuration ------------------------------------------------------------------------

    def configuration(self) -> Iterator[Check]:
        s = self.settings
        oauth_problem = None
        try:
            s.require_slack()
        except ConfigError as exc:
            oauth_problem = str(exc) if s.oauth or s.slack_client_secret is not None else None
        if oauth_problem is not None:
            yield Check("Slack OAuth", "fail", oauth_problem, "see README, One workspace or many")
        elif s.oauth:
            yield Check(
                "Slack OAuth",
                "ok",
                f"OAuth mode: client {s.slack_client_id}, {len(s.slack_scopes)} bot scopes; "
                "workspaces install at /slack/install",
            )
        elif s.slack_bot_token is None:
            yield Check(
                "Slack token",
                "fail",
                "SLACK_BOT_TOKEN is not set",
                "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
            )
        elif not s.slack_bot_token.get_secret_value().startswith("xoxb-"):
            yield Check(
                "Slack token",
                "warn",
                "SLACK_BOT_TOKEN does not start with xoxb-",
                "use the bot token, not a user (xoxp-) or app-level (xapp-) token",
            )
        else:
            yield Check("Slack token", "ok", "SLACK_BOT_TOKEN is set")
        if s.slack_signing_secret is None and s.slack_app_token is None:
            yield Check(
                "Slack mode",
                "fail",
                "neither SLACK_SIGNING_SECRET (serve) nor SLACK_APP_TOKEN (socket) is set",
                "set SLACK_SIGNING_SECRET from the app's Basic Information page for HTTP mode",
            )
        else:
            modes = [
                name
                for name, value in (
                    ("serve", s.slack_signing_secret),
                    ("socket", s.slack_app_token),
                )
                if value is not None
            ]
            yield Check("Slack mode", "ok", "ready for " + " and ".join(modes))
        if s.anthropic_api_key is None:
            fallback = s.summary_fallback_engine == "extractive"
            yield Check(
                "Model key",
                "warn" if fallback else "fail",
                "ANTHROPIC_API_KEY is not set"
                + (": only extractive drafts will be made" if fallback else ""),
                "set ANTHROPIC_API_KEY (console.anthropic.com → API keys)",
            )
        else:
            yield Check("Model key", "ok", f"ANTHROPIC_API_KEY is set, model {s.anthropic_model}")
        if not s.editor_user_ids and not s.editor_usergroup_id:
            yield Check(
                "Editors",
                "warn",
                "no EDITOR_USER_IDS or EDITOR_USERGROUP_ID: nobody can approve or reject",
                "set EDITOR_USER_IDS=U…,U… or EDITOR_USERGROUP_ID=S…",
            )
        else:
            count = len(s.editor_user_ids)
            group = f" and user group {s.editor_usergroup_id}" if s.editor_usergroup_id else ""
            yield Check("Editors", "ok", f"{count} editor id(s){group}")
        if s.fetch_allow_private_networks:
            yield Check(
                "Fetch policy",
                "warn",
                "FETCH_ALLOW_PRIVATE_NETWORKS is on: links may reach internal addresses (SSRF)",
                "turn it off unless articles live on an intranet host; then also set "
                "FETCH_ALLOWED_DOMAINS",
            )
        else:
            yield Check("Fetch policy", "ok", "public addresses only")
        if s.retention_days == 0:
            yield Check(
                "Retention",
                "warn",
                "RETENTION_DAYS=0: article text is kept forever",
                "set RETENTION_DAYS (e.g. 90) unless your data-protection policy says otherwise",
            )
        else:
            yield Check("Retention", "ok", f"article text is removed after {s.retention_days} days")

    # --- database -----------------------------------------------------------------------------

    def database(self) -> Iterator[Check]:
        from bot.cli.database import parse_database_url  # SQLAlchemy only when this check runs
        from bot.cli.errors import SetupError
        from bot.i18n import sentence_for
        from bot.store import Store  # same
        from bot.store.engine import safe_url  # same
        from bot.store.migrate import head_revision  # same

        try:
            url = parse_database_url(self.settings.database_url)
        except SetupError as exc:
            yield Check("Database", "fail", "DATABASE_URL is not supported", sentence_for(exc))
            return
        shown = safe_url(url)
        if url.get_backend_name() == "sqlite":
            path = url.database
            # Connecting would create an empty file: doctor must not write anything.
            if path and path != ":memory:" and not Path(path).exists():
                yield Check(
                    "Database",
                    "fail",
                    f"{shown}: the file does not exist",
                    "run `newsbot db upgrade` (or start `newsbot serve`, which creates it)",
                )
                return
        with Store(self.settings.database_url) as store:
            if not store.ping():
                yield Check(
                    "Database",
                    "fail",
                    f"{shown} does not answer",
                    "check DATABASE_URL, that the server runs and accepts this host",
                )
                return
            revision = store.schema_revision()
            installed = (
                store.installed_workspaces()
                if self.settings.oauth and revision == head_revision()
                else None
            )
        head = head_revision()
        if revision != head:
            yield Check(
                "Database",
                "fail",
                f"{shown} is at schema {revision or '(empty)'}, this code needs {head}",
                "run `newsbot db upgrade`",
            )
            return
        yield Check("Database", "ok", f"{shown} answers, schema {revision} is current")
        if installed is not None:
            yield Check(
                "Slack installations",
                "ok" if installed else "warn",
                f"{installed} workspace(s) installed",
                "open /slack/install on the server to add the app to a workspace",
            )

    # --- Slack --------------------------------------------------------------------------------

    def slack(self) -> Iterator[Check]:
        from slack_sdk.errors import SlackApiError, SlackClientError  # lazy SDK

        from bot.slack.app import build_web_client  # Bolt is heavy

        if self.settings.oauth:
            yield Check("Slack auth.test", "skip", "OAuth mode: each workspace's token is stored")
            return
        if self.settings.slack_bot_token is None:
            yield Check("Slack auth.test", "skip", "no SLACK_BOT_TOKEN")
            return
        client = build_web_client(self.settings)
        client.retry_handlers = []  # one honest answer, no waiting on retries
        try:
            response = client.auth_test()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown")
            yield Check(
                "Slack auth.test",
                "fail",
                f"Slack refused the token ({error})",
                "reinstall the app to the workspace and copy the new xoxb- token"
                if error in ("invalid_auth", "not_authed", "token_revoked", "account_inactive")
                else "see https://docs.slack.dev/reference/methods/auth.test for this error",
            )
            return
        except (SlackClientError, OSError) as exc:
            yield Check(
                "Slack auth.test",
                "fail",
                f"cannot reach {self.settings.slack_api_url} ({type(exc).__name__})",
                "check network egress to slack.com and SLACK_API_URL",
            )
            return
        team = response.get("team") or response.get("team_id")
        yield Check(
            "Slack auth.test",
            "ok",
            f"workspace {team}, bot user @{response.get('user')} ({response.get('user_id')})",
        )
        header = _header(response.headers, "x-oauth-scopes")
        if header is None:
            yield Check(
                "Slack scopes",
                "warn",
                "Slack sent no x-oauth-scopes header; scopes not checked",
                "compare the app's OAuth & Permissions page with manifest.yml",
            )
            return
        granted = {part.strip() for part in header.split(",") if part.strip()}
        missing = [scope for scope in self._required_scopes if scope not in granted]
        if missing:
            yield Check(
                "Slack scopes",
                "fail",
                "missing " + ", ".join(missing),
                "add them under OAuth & Permissions (or update the app from manifest.yml) "
                "and reinstall the app",
            )
        else:
            yield Check("Slack scopes", "ok", f"all {len(self._required_scopes)} scopes granted")

    # --- model --------------------------------------------------------------------------------

    def model(self) -> Iterator[Check]:
        if self.settings.anthropic_api_key is None:
            yield Check("Model API", "skip", "no ANTHROPIC_API_KEY")
            return
        import anthropic  # the SDK is heavy; only when this check runs

        from bot.summarizer.client import (  # same
            checked_token_count,
            is_foreign_error,
            make_client,
        )
        from bot.summarizer.errors import NotMessagesApi  # same

        model = self.settings.anthropic_model
        client = make_client(self.settings)
        not_the_api = Check(
            "Model API",
            "fail",
            f"ANTHROPIC_BASE_URL ({client.base_url}) answers, but not as the Claude Messages API",
            "set ANTHROPIC_BASE_URL to the API's root, without /v1 (or unset it to use "
            "https://api.anthropic.com)",
        )
        try:
            counted = checked_token_count(
                client.messages.count_tokens(
                    model=model, messages=[{"role": "user", "content": "newsbot doctor"}]
                ),
                base_url=client.base_url,
            )
        except NotMessagesApi:
            yield not_the_api
            return
        except anthropic.APIStatusError as exc:
            yield not_the_api if is_foreign_error(exc) else _status_check(exc, model)
            return
        except anthropic.APIConnectionError as exc:
            yield Check(
                "Model API",
                "fail",
                f"cannot reach {client.base_url} ({type(exc).__name__})",
                "check network egress and ANTHROPIC_BASE_URL",
            )
            return
        yield Check(
            "Model API",
            "ok",
            f"model {model} answers (a test prompt counts {counted} tokens)",
        )

    # --- webhook ------------------------------------------------------------------------------

    def webhook(self) -> Iterator[Check]:
        url = self.settings.publish_webhook_url
        desks = self._desks()
        if desks is not None and desks.configured:
            yield from self._desk_list(desks)
        if not url:
            if desks is None or not any(d.webhook_url for d in desks.desks):
                yield Check(
                    "Webhook",
                    "warn",
                    "PUBLISH_WEBHOOK_URL is not set: approvals are recorded, not published",
                    "set PUBLISH_WEBHOOK_URL and PUBLISH_WEBHOOK_SECRET to publish to the CMS",
                )
        else:
            yield from self._probe_webhook(url, "Webhook", "PUBLISH_WEBHOOK_URL")
        probed = {url}
        for desk in desks.desks if desks is not None else ():
            if desk.webhook_url and desk.webhook_url not in probed:
                probed.add(desk.webhook_url)
                label = f'Desk "{desk.name}" webhook'
                yield from self._probe_webhook(desk.webhook_url, label, f"desk {desk.name}")

    def _desks(self) -> Desks | None:
        if not self.settings.desks_file:
            return None
        from bot.desks import Desks

        return Desks.from_settings(self.settings)  # the command line validated it already

    def _desk_list(self, desks: Desks) -> Iterator[Check]:
        for desk in desks.desks:
            fields = ", ".join(f"{name} {limit}" for name, limit in desk.fields) or "none"
            yield Check(
                f'Desk "{desk.name}"',
                "ok",
                f"channels {', '.join(sorted(desk.channels))}; language "
                f"{desk.language or 'of the article'}; fields {fields}; webhook "
                f"{desk.webhook_host or 'none (approvals recorded only)'}",
            )

    def _probe_webhook(self, url: str, name: str, variable: str) -> Iterator[Check]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            port = 0
        if parts.scheme not in ("http", "https") or not host or not port:
            yield Check(
                name,
                "fail",
                f"{variable} is not an absolute http(s) URL",
                "use https://cms.example.org/hooks/newsbot",
            )
            return
        where = f"{host}:{port}"
        try:
            addresses = list(self._resolve(host, port))
        except OSError as exc:
            yield Check(
                f"{name} DNS",
                "fail",
                f"{host} does not resolve ({type(exc).__name__})",
                f"check the host name in {variable} and the resolver",
            )
            return
        if not addresses:
            yield Check(f"{name} DNS", "fail", f"{host} has no address", "check the DNS records")
            return
        yield Check(f"{name} DNS", "ok", f"{host} → {', '.join(addresses[:4])}")
        if parts.scheme != "https":
            try:
                self._connect_probe(addresses[0], port)
            except OSError as exc:
                yield no_answer(where, exc)
                return
            yield Check(f"{name} connect", "ok", f"{where} accepts connections")
            yield Check(
                f"{name} TLS",
                "warn",
                f"{where} is plain http: approved texts travel unencrypted (still signed)",
                "use an https:// URL",
            )
            return
        try:
            version = self._tls_probe(addresses[0], port, host)
        except ssl.SSLCertVerificationError as exc:
            yield Check(
                f"{name} TLS",
                "fail",
                f"{where}: certificate not valid ({exc.verify_message})",
                "install a certificate for this host name from a public CA",
            )
            return
        except (ConnectionRefusedError, TimeoutError) as exc:
            yield no_answer(where, exc)
            return
        except (OSError, ssl.SSLError) as exc:
            yield Check(
                f"{name} TLS",
                "fail",
                f"{where}: no TLS connection ({type(exc).__name__})",
                "check that the CMS speaks https on this port and egress is allowed",
            )
            return
        yield Check(f"{name} TLS", "ok", f"{where}: {version}, certificate valid")

    # --- prompts ------------------------------------------------------------------------------

    def prompts(self) -> Iterator[Check]:
        """Render every template as a summary request does (with an editor's wish and a
        correction, so the optional templates render too); a missing, unreadable or empty
        template, or a placeholder nobody fills, fails here instead of on every summary."""
        from bot.domain import Article
        from bot.summarizer import HouseStyle
        from bot.summarizer.prompts import TEMPLATE_FILES, PromptError, PromptSet
        from bot.summarizer.request import build_request, prepare_article  # the SDK is heavy

        s = self.settings
        where = s.summary_prompt_dir or "the prompts shipped with newsbot"
        # Without a key the extractive fallback serves alone and needs no prompt.
        needed = s.anthropic_api_key is not None or s.summary_fallback_engine != "extractive"
        status: Status = "fail" if needed else "warn"
        fix = (
            "restore the template (see prompts/README.md), or set SUMMARY_PROMPT_DIR to a "
            "folder holding all of " + ", ".join(TEMPLATE_FILES.values())
            if s.summary_prompt_dir
            else "reinstall newsbot: its prompt templates are missing or damaged"
        )
        try:
            prompts = PromptSet.load(s.summary_prompt_dir)
            empty = [TEMPLATE_FILES[name] for name in TEMPLATE_FILES if not getattr(prompts, name)]
            if empty:
                yield Check(
                    "Prompts", status, f"empty template(s) in {where}: " + ", ".join(empty), fix
                )
                return
            style = HouseStyle.from_settings(s)
            sample = Article(
                url="https://example.org/doctor",
                final_url="https://example.org/doctor",
                title="newsbot doctor",
                text="The council approved the budget on Tuesday.",
                language="en",
            )
            prepared = prepare_article(
                sample, prompts, style, budget_tokens=s.summary_input_token_budget
            )
            build_request(
                prompts, style, prepared, instruction="shorter", correction="it was too long."
            )
        except PromptError as exc:
            yield Check("Prompts", status, f"{where}: {exc.detail}", fix)
            return
        yield Check(
            "Prompts",
            "ok",
            f"all {len(TEMPLATE_FILES)} templates render (prompt version {prompts.version})",
        )


def _status_check(exc: Any, model: str) -> Check:
    """The checklist line for an error status from the Messages API itself."""
    import anthropic  # the SDK is heavy; only when the model check runs

    if isinstance(exc, anthropic.AuthenticationError):
        return Check(
            "Model API",
            "fail",
            "the API key was refused (401)",
            "create a new key and set ANTHROPIC_API_KEY",
        )
    if isinstance(exc, anthropic.PermissionDeniedError):
        return Check(
            "Model API",
            "fail",
            "the key may not use this API or model (403)",
            "check the key's workspace and permissions in the Anthropic console",
        )
    if isinstance(exc, anthropic.NotFoundError):
        return Check(
            "Model API",
            "fail",
            f"model {model} is unknown (404)",
            "set ANTHROPIC_MODEL to a current model id",
        )
    return Check(
        "Model API",
        "fail",
        f"the API answered {exc.status_code}",
        "check https://status.anthropic.com and ANTHROPIC_BASE_URL",
    )


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if str(key).lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None
