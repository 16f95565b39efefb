"""Sample publisher inputs shared by the publisher tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.publisher.payload import (
    ArticleRef,
    EditorAction,
    Provenance,
    PublishInput,
    RetractInput,
    SummaryText,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA_PATH = DOCS / "webhook-payload.schema.json"

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OLD_SECRET = "whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA=="

APPROVED_AT = datetime(2025, 3, 1, 13, 5, 9, tzinfo=UTC)

ARTICLE = ArticleRef(
    url="https://www.example-zeitung.de/politik/haushalt-2025-100.html",
    title="Bundestag beschließt Haushalt für 2025",
    language="de",
    published="2025-03-01T09:30:00+01:00",
    author="Anna Beispiel",
    site_name="Example-Zeitung",
)

SUMMARY = SummaryText(
    bullets=(
        "Der Bundestag hat den Haushalt für 2025 mit 389 zu 280 Stimmen beschlossen.",
        "Die Ausgaben steigen auf 488 Milliarden Euro, die Neuverschuldung auf 51 Milliarden.",
        "Die Opposition kündigte eine Klage vor dem Bundesverfassungsgericht an.",
    ),
    heading="Zusammenfassung",
    disclaimer="Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt "
    "und von der Redaktion geprüft.",
    language="de",
    fields={
        "headline": "Bundestag beschließt Haushalt 2025 mit 389 Stimmen",
        "teaser": "Der Bundestag hat den Haushalt für 2025 beschlossen. "
        "Die Opposition will klagen.",
    },
)

APPROVAL = EditorAction(
    editor_id="U024BE7LH",
    editor_name="Erika Mustermann",
    at=APPROVED_AT,
    channel_id="C0123456789",
    thread_ts="1740834000.000100",
    permalink="https://newsroom.slack.com/archives/C0123456789/p1740834000000100",
)

PUBLISH = PublishInput(
    summary_id="k3Qz8VbN2xLp7TfR",
    revision=2,
    article=ARTICLE,
    summary=SUMMARY,
    provenance=Provenance(
        model="claude-haiku-5-5", prompt_version="50aa2abc03a7", human_edited=True
    ),
    approval=APPROVAL,
)

RETRACT = RetractInput(
    summary_id=PUBLISH.summary_id,
    revision=2,
    article=ARTICLE,
    retraction=EditorAction(
        editor_id="U024BE7LH",
        editor_name="Erika Mustermann",
        at=datetime(2025, 3, 1, 15, 0, 0, tzinfo=UTC),
        channel_id="C0123456789",
        thread_ts="1740834000.000100",
        permalink=None,
    ),
)


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded
