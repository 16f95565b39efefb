"""Delivery status lines shown in the Slack thread (keys: ``publish.<state>``).

Parameters (the Slack layer formats them before calling ``t``):
``editor``: a Slack mention such as ``<@U024BE7LH>``; ``time``: a clock time for the reader,
ideally Slack's ``<!date^…^{time}|14:05>`` token so each reader sees their own zone;
``status``: the HTTP status; ``reason``: ``AttemptResult.response_snippet``, which the Slack
layer MUST escape (``&``, ``<``, ``>``) because it comes from the receiver;
``attempt`` / ``attempts``: attempt counts. Lines that end in a failure get a Retry button.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "publish.publishing": {
        "en": "Publishing…",
        "de": "Wird veröffentlicht …",
    },
    "publish.published": {
        "en": "Published by {editor} at {time} (CMS answered {status}).",
        "de": "Veröffentlicht von {editor} um {time} (das CMS antwortete mit {status}).",
    },
    "publish.updated": {
        "en": "Correction published by {editor} at {time} (CMS answered {status}).",
        "de": "Korrektur veröffentlicht von {editor} um {time} (das CMS antwortete mit {status}).",
    },
    "publish.retracted": {
        "en": "Retracted by {editor} at {time}; the CMS was notified (it answered {status}).",
        "de": "Zurückgezogen von {editor} um {time}; das CMS wurde benachrichtigt (es antwortete mit {status}).",
    },
    "publish.retrying": {
        "en": "Publishing is delayed: the CMS can't be reached right now (attempt {attempt}). I'll try again at {time}.",
        "de": "Die Veröffentlichung verzögert sich: Das CMS ist gerade nicht erreichbar (Versuch {attempt}). Nächster Versuch um {time}.",
    },
    "publish.retrying_http": {
        "en": "Publishing is delayed: the CMS answered with an error (HTTP {status}, attempt {attempt}). I'll try again at {time}.",
        "de": "Die Veröffentlichung verzögert sich: Das CMS antwortete mit einem Fehler (HTTP {status}, Versuch {attempt}). Nächster Versuch um {time}.",
    },
    "publish.failed_rejected": {
        "en": "Publishing failed: the CMS rejected it (HTTP {status}: {reason}).",
        "de": "Veröffentlichung fehlgeschlagen: Das CMS hat sie abgelehnt (HTTP {status}: {reason}).",
    },
    "publish.failed_rejected_no_reason": {
        "en": "Publishing failed: the CMS rejected it (HTTP {status}).",
        "de": "Veröffentlichung fehlgeschlagen: Das CMS hat sie abgelehnt (HTTP {status}).",
    },
    "publish.failed_redirect": {
        "en": "Publishing failed: the CMS answered with a redirect (HTTP {status}), which I don't follow. The webhook URL in the bot's settings needs updating.",
        "de": "Veröffentlichung fehlgeschlagen: Das CMS antwortete mit einer Weiterleitung (HTTP {status}), der ich nicht folge. Die Webhook-Adresse in den Einstellungen des Bots muss angepasst werden.",
    },
    "publish.failed_gone": {
        "en": "Publishing failed: the CMS says this webhook no longer exists (HTTP 410). An admin needs to check the webhook settings.",
        "de": "Veröffentlichung fehlgeschlagen: Laut CMS gibt es diesen Webhook nicht mehr (HTTP 410). Ein Admin muss die Webhook-Einstellungen prüfen.",
    },
    "publish.failed_gave_up": {
        "en": "Publishing failed: the CMS couldn't be reached after {attempts} attempts. Try again when it's back.",
        "de": "Veröffentlichung fehlgeschlagen: Das CMS war nach {attempts} Versuchen nicht erreichbar. Versuchen Sie es erneut, wenn es wieder läuft.",
    },
    "publish.not_configured": {
        "en": "Approval recorded. No publishing webhook is configured, so nothing was sent to the CMS.",
        "de": "Freigabe gespeichert. Es ist kein Webhook für die Veröffentlichung eingerichtet, daher wurde nichts an das CMS geschickt.",
    },
}
