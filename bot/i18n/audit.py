"""The audit timeline (``newsbot audit DRAFT_ID``): one line per recorded step (keys ``audit.*``).

Keys ``audit.event.<action>`` follow the store's audit actions (``draft.approved`` …); an
action without a sentence is shown by its name. Parameters come from the audit details.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "error.draft_not_found": {
        "en": "There is no draft with the id {draft_id}.",
        "de": "Es gibt keinen Entwurf mit der Kennung {draft_id}.",
    },
    "audit.header": {
        "en": "Draft {draft_id}: {state}",
        "de": "Entwurf {draft_id}: {state}",
    },
    "audit.article": {
        "en": "Article: {title} ({url})",
        "de": "Artikel: {title} ({url})",
    },
    "audit.requested": {
        "en": "Requested by {reporter} in {channel}, thread {thread}. Times are UTC.",
        "de": "Angefordert von {reporter} in {channel}, Thread {thread}. Zeiten in UTC.",
    },
    "audit.untitled": {
        "en": "(no title)",
        "de": "(ohne Titel)",
    },
    "audit.provenance": {
        "en": "Model {model}, prompt version {prompt_version}.",
        "de": "Modell {model}, Prompt-Version {prompt_version}.",
    },
    "audit.event.draft.created": {
        "en": "asked for a summary",
        "de": "hat eine Zusammenfassung angefordert",
    },
    "audit.event.draft.claimed": {
        "en": "started summarizing (attempt {attempt})",
        "de": "hat mit der Zusammenfassung begonnen (Versuch {attempt})",
    },
    "audit.event.draft.completed": {
        "en": "wrote revision {revision} ({kind})",
        "de": "hat Fassung {revision} geschrieben ({kind})",
    },
    "audit.event.draft.failed": {
        "en": "could not summarize ({error_code})",
        "de": "konnte nicht zusammenfassen ({error_code})",
    },
    "audit.event.draft.retried": {
        "en": "asked to try again",
        "de": "hat einen neuen Versuch angefordert",
    },
    "audit.event.draft.regenerate_requested": {
        "en": "asked for a new version",
        "de": "hat eine neue Fassung angefordert",
    },
    "audit.event.draft.edited": {
        "en": "edited the text (revision {revision})",
        "de": "hat den Text bearbeitet (Fassung {revision})",
    },
    "audit.event.draft.approved": {
        "en": "approved revision {revision}",
        "de": "hat Fassung {revision} freigegeben",
    },
    "audit.open_flag": {
        "en": "approved with 1 open flag",
        "de": "freigegeben mit 1 offenen Hinweis",
    },
    "audit.open_flags": {
        "en": "approved with {count} open flags",
        "de": "freigegeben mit {count} offenen Hinweisen",
    },
    "audit.flag_bullet": {"en": "bullet {number}", "de": "Stichpunkt {number}"},
    "audit.flag_draft": {"en": "whole draft", "de": "ganzer Entwurf"},
    "audit.event.draft.rejected": {
        "en": "rejected the draft",
        "de": "hat den Entwurf abgelehnt",
    },
    "audit.event.draft.published": {
        "en": "published it (the CMS answered {status})",
        "de": "hat veröffentlicht (das CMS antwortete mit {status})",
    },
    "audit.event.draft.publish_failed": {
        "en": "publishing failed ({error})",
        "de": "Veröffentlichung fehlgeschlagen ({error})",
    },
    "audit.event.delivery.enqueued": {
        "en": "queued a {event_type} webhook for revision {revision}",
        "de": "hat einen Webhook {event_type} für Fassung {revision} eingereiht",
    },
    "audit.event.delivery.retried": {
        "en": "retried publishing with the same webhook id",
        "de": "hat die Veröffentlichung mit derselben Webhook-Kennung erneut versucht",
    },
    "audit.event.delivery.delivered": {
        "en": "delivered the webhook (the CMS answered {status})",
        "de": "hat den Webhook zugestellt (das CMS antwortete mit {status})",
    },
    "audit.event.delivery.failed": {
        "en": "the webhook failed ({error})",
        "de": "der Webhook ist fehlgeschlagen ({error})",
    },
    "audit.reason": {
        "en": "reason: {reason}",
        "de": "Grund: {reason}",
    },
    "audit.instruction": {
        "en": "instruction: {instruction}",
        "de": "Anweisung: {instruction}",
    },
    "audit.attempt": {
        "en": "webhook attempt {attempt}: {answer} after {ms} ms",
        "de": "Webhook-Versuch {attempt}: {answer} nach {ms} ms",
    },
    "audit.attempt_http": {
        "en": "HTTP {status}",
        "de": "HTTP {status}",
    },
    "audit.attempt_no_answer": {
        "en": "no answer ({error_kind})",
        "de": "keine Antwort ({error_kind})",
    },
    "audit.revision": {
        "en": "revision {number} ({kind}) by {author}:",
        "de": "Fassung {number} ({kind}) von {author}:",
    },
    "audit.delivery": {
        "en": "Webhook {webhook_id} ({event_type}, revision {revision}): {state}",
        "de": "Webhook {webhook_id} ({event_type}, Fassung {revision}): {state}",
    },
}
