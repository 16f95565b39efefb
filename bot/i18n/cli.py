"""Sentences of the command line for the usual first setup mistakes (``error.<SetupError.code>``).

Each names the setting to fix and what to do; URLs are shown without their password.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # --- Slack, at `serve` / `socket` start -----------------------------------------------------
    "error.slack_unreachable": {
        "en": "No Slack Web API answers at {url}. Check SLACK_API_URL (normally https://slack.com/api/) and this machine's network.",
        "de": "Unter {url} antwortet keine Slack-Web-API. Prüfen Sie SLACK_API_URL (normalerweise https://slack.com/api/) und das Netzwerk dieses Rechners.",
    },
    "error.slack_token_refused": {
        "en": "Slack refused SLACK_BOT_TOKEN ({error}). Copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page, reinstalling the app if it was revoked.",
        "de": "Slack hat SLACK_BOT_TOKEN abgelehnt ({error}). Kopieren Sie das Bot User OAuth Token (xoxb-…) von der Seite OAuth & Permissions der App; installieren Sie die App neu, falls es widerrufen wurde.",
    },
    "error.slack_start_failed": {
        "en": "Slack answered auth.test with {error}, so the bot cannot start. Check SLACK_BOT_TOKEN and SLACK_API_URL.",
        "de": "Slack hat auth.test mit {error} beantwortet, daher kann der Bot nicht starten. Prüfen Sie SLACK_BOT_TOKEN und SLACK_API_URL.",
    },
    # --- the database (DATABASE_URL) --------------------------------------------------------------
    "error.database_url_unsupported": {
        "en": "DATABASE_URL uses {scheme}, which newsbot does not support. Use sqlite:///path/to/newsbot.db or postgresql://user:password@host:5432/database.",
        "de": "DATABASE_URL verwendet {scheme}, das newsbot nicht unterstützt. Verwenden Sie sqlite:///pfad/zu/newsbot.db oder postgresql://benutzer:passwort@host:5432/datenbank.",
    },
    "error.database_url_invalid": {
        "en": "DATABASE_URL is not a database URL. Use sqlite:///path/to/newsbot.db or postgresql://user:password@host:5432/database.",
        "de": "DATABASE_URL ist keine Datenbank-URL. Verwenden Sie sqlite:///pfad/zu/newsbot.db oder postgresql://benutzer:passwort@host:5432/datenbank.",
    },
    "error.database_missing": {
        "en": "There is no database yet at {path} (DATABASE_URL). Run `newsbot db upgrade` to create it.",
        "de": "Unter {path} gibt es noch keine Datenbank (DATABASE_URL). Legen Sie sie mit `newsbot db upgrade` an.",
    },
    "error.database_unreachable": {
        "en": "Nothing answers at the database server of DATABASE_URL ({url}). Check the host and port, and that PostgreSQL is running and accepts connections from this machine.",
        "de": "Unter dem Datenbankserver aus DATABASE_URL ({url}) antwortet nichts. Prüfen Sie Host und Port und ob PostgreSQL läuft und Verbindungen von diesem Rechner annimmt.",
    },
    "error.database_not_found": {
        "en": "The database server of DATABASE_URL ({url}) has no database named {name}. Create it (e.g. `createdb {name}`) or correct the name in DATABASE_URL.",
        "de": "Der Datenbankserver aus DATABASE_URL ({url}) hat keine Datenbank namens {name}. Legen Sie sie an (z. B. `createdb {name}`) oder korrigieren Sie den Namen in DATABASE_URL.",
    },
    "error.database_login_refused": {
        "en": "The database server refused the login of DATABASE_URL ({url}). Check the user name and password in DATABASE_URL.",
        "de": "Der Datenbankserver hat die Anmeldung aus DATABASE_URL ({url}) abgelehnt. Prüfen Sie Benutzername und Passwort in DATABASE_URL.",
    },
    "error.database_unavailable": {
        "en": "I can't open the database of DATABASE_URL ({url}). Check the URL, and that the file's folder exists and is writable or the server accepts connections.",
        "de": "Ich kann die Datenbank aus DATABASE_URL ({url}) nicht öffnen. Prüfen Sie die URL und ob der Ordner der Datei existiert und beschreibbar ist bzw. der Server Verbindungen annimmt.",
    },
}
