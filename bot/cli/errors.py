"""Setup mistakes the command line answers with one sentence naming the fix (exit 2).

Each class keys a sentence in :mod:`bot.i18n.cli`; :func:`bot.cli.main` prints it on stderr
without a traceback. The exception's own message (``detail``) is for the log only.
"""

from __future__ import annotations

from bot.domain import UserFacingError


class SetupError(UserFacingError):
    """The configuration points somewhere that does not work; the sentence names the setting."""

    code = "config"


class SlackUnreachable(SetupError):
    """No answer from ``SLACK_API_URL`` (refused, timed out, not resolvable, not the API)."""

    code = "slack_unreachable"


class SlackTokenRefused(SetupError):
    """``auth.test`` refused ``SLACK_BOT_TOKEN`` (``invalid_auth``, ``token_revoked``…)."""

    code = "slack_token_refused"


class SlackStartFailed(SetupError):
    """``auth.test`` failed with another error code (``params['error']``)."""

    code = "slack_start_failed"


class DatabaseUrlUnsupported(SetupError):
    """``DATABASE_URL`` is not a sqlite or postgresql URL."""

    code = "database_url_unsupported"


class DatabaseUrlInvalid(SetupError):
    """``DATABASE_URL`` is not a URL at all."""

    code = "database_url_invalid"


class DatabaseMissing(SetupError):
    """A read-only command found no SQLite file: nothing was created."""

    code = "database_missing"


class DatabaseUnreachable(SetupError):
    """Nothing answers at the PostgreSQL host and port."""

    code = "database_unreachable"


class DatabaseNotFound(SetupError):
    """The server answers but has no database of that name."""

    code = "database_not_found"


class DatabaseLoginRefused(SetupError):
    """The server refused the user or password."""

    code = "database_login_refused"


class DatabaseUnavailable(SetupError):
    """Any other failure to open the database (an unwritable SQLite folder, …)."""

    code = "database_unavailable"
