"""The bot's own words on Slack: buttons, draft states, modals, App Home, help (keys ``slack.*``).

Placeholders in ``{braces}`` are filled by ``bot.slack.blocks`` with text that is already
escaped for Slack (links and mentions are built there). Modal titles and submit/close
labels must stay within 24 characters, button labels within 75 (see ``bot.slack.blocks``).
"""

MESSAGES: dict[str, dict[str, str]] = {
    # --- Buttons ----------------------------------------------------------------------------
    "slack.button.approve": {"en": "Approve", "de": "Freigeben"},
    "slack.button.edit": {"en": "Edit", "de": "Bearbeiten"},
    "slack.button.regenerate": {"en": "Regenerate", "de": "Neu erstellen"},
    "slack.button.reject": {"en": "Reject", "de": "Ablehnen"},
    "slack.button.retry": {"en": "Retry", "de": "Erneut versuchen"},
    "slack.button.retry_publish": {"en": "Retry publishing", "de": "Erneut veröffentlichen"},
    "slack.button.retract": {"en": "Retract", "de": "Zurückziehen"},
    "slack.button.approve_correction": {
        "en": "Approve correction",
        "de": "Korrektur freigeben",
    },
    "slack.status.updating": {
        "en": "Publishing the correction…",
        "de": "Die Korrektur wird veröffentlicht …",
    },
    "slack.status.retracting": {
        "en": "Telling the CMS about the retraction…",
        "de": "Das CMS wird über das Zurückziehen informiert …",
    },
    "slack.status.retract_not_configured": {
        "en": "Retraction recorded. No publishing webhook is configured, so the CMS was not told.",
        "de": "Zurückziehen gespeichert. Es ist kein Webhook für die Veröffentlichung eingerichtet, daher wurde das CMS nicht informiert.",
    },
    "slack.retract.heading": {"en": "Retract this summary?", "de": "Zusammenfassung zurückziehen?"},
    "slack.retract.text": {
        "en": "The CMS is told to take the published summary down. This can't be undone.",
        "de": "Das CMS wird aufgefordert, die veröffentlichte Zusammenfassung zu entfernen. Das lässt sich nicht rückgängig machen.",
    },
    "slack.retract.confirm": {"en": "Retract", "de": "Zurückziehen"},
    "slack.retract.deny": {"en": "Keep it", "de": "Behalten"},
    "slack.draft.correction": {
        "en": ":pencil2: Correction of the published summary (revision {revision}). Approving sends the new text to the CMS as an update.",
        "de": ":pencil2: Korrektur der veröffentlichten Zusammenfassung (Fassung {revision}). Mit der Freigabe geht der neue Text als Aktualisierung an das CMS.",
    },
    "slack.button.post_for_review": {
        "en": "Post for review in this channel",
        "de": "Hier zur Prüfung posten",
    },
    "slack.button.dismiss": {"en": "Dismiss", "de": "Verwerfen"},
    # --- Progress ---------------------------------------------------------------------------
    "slack.progress.working": {
        "en": ":hourglass_flowing_sand: Summarizing {article}…",
        "de": ":hourglass_flowing_sand: Ich fasse {article} zusammen …",
    },
    "slack.progress.fallback": {
        "en": "Summarizing the article…",
        "de": "Ich fasse den Artikel zusammen …",
    },
    # --- Draft message ----------------------------------------------------------------------
    "slack.draft.fallback": {
        "en": "Summary draft: {title}",
        "de": "Entwurf einer Zusammenfassung: {title}",
    },
    "slack.draft.no_title": {"en": "Untitled article", "de": "Artikel ohne Titel"},
    "slack.draft.ai_context": {
        "en": ":robot_face: AI draft — needs an editor's approval",
        "de": ":robot_face: KI-Entwurf – muss von der Redaktion freigegeben werden",
    },
    "slack.draft.extractive_context": {
        "en": ":scissors: Automatic extract (no AI) — needs an editor's approval",
        "de": ":scissors: Automatischer Auszug (ohne KI) – muss von der Redaktion freigegeben werden",
    },
    "slack.draft.approved_ai_context": {
        "en": ":robot_face: AI draft, approved by an editor",
        "de": ":robot_face: KI-Entwurf, von der Redaktion freigegeben",
    },
    "slack.draft.model": {"en": "model {model}", "de": "Modell {model}"},
    "slack.draft.prompt": {"en": "prompt {version}", "de": "Prompt {version}"},
    "slack.draft.language": {"en": "language {language}", "de": "Sprache {language}"},
    "slack.draft.revision": {"en": "version {revision}", "de": "Fassung {revision}"},
    "slack.draft.requested_by": {"en": "Asked for by {user}", "de": "Angefragt von {user}"},
    "slack.draft.edited_by": {
        "en": ":pencil2: Edited by {user}",
        "de": ":pencil2: Bearbeitet von {user}",
    },
    "slack.draft.approved_by": {
        "en": ":white_check_mark: Approved by {user}",
        "de": ":white_check_mark: Freigegeben von {user}",
    },
    "slack.draft.approved_by_at": {
        "en": ":white_check_mark: Approved by {user} on {when}",
        "de": ":white_check_mark: Freigegeben von {user} am {when}",
    },
    "slack.draft.rejected_by": {
        "en": ":no_entry_sign: Rejected by {user}.",
        "de": ":no_entry_sign: Abgelehnt von {user}.",
    },
    "slack.draft.rejected_reason": {
        "en": ":no_entry_sign: Rejected by {user}: {reason}",
        "de": ":no_entry_sign: Abgelehnt von {user}: {reason}",
    },
    "slack.draft.regenerating": {
        "en": ":arrows_counterclockwise: Writing a new version…",
        "de": ":arrows_counterclockwise: Ich schreibe eine neue Fassung …",
    },
    "slack.draft.regenerating_by": {
        "en": ":arrows_counterclockwise: Writing a new version for {user}…",
        "de": ":arrows_counterclockwise: Ich schreibe eine neue Fassung für {user} …",
    },
    "slack.draft.retracted": {"en": ":rewind: Retracted.", "de": ":rewind: Zurückgezogen."},
    "slack.draft.retracted_by": {
        "en": ":rewind: Retracted by {user}.",
        "de": ":rewind: Zurückgezogen von {user}.",
    },
    "slack.draft.failed": {
        "en": ":warning: {sentence}",
        "de": ":warning: {sentence}",
    },
    "slack.draft.shortened": {
        "en": "Some text is shortened here; open Edit to see all of it.",
        "de": "Ein Teil des Textes ist hier gekürzt; unter „Bearbeiten“ steht er vollständig.",
    },
    "slack.draft.evidence": {
        "en": ":mag: Source: “{sentence}”",
        "de": ":mag: Quelle: „{sentence}“",
    },
    "slack.draft.open_flags": {
        "en": ":warning: *{count} open flags* – see the notes under the bullets before approving.",
        "de": ":warning: *{count} offene Hinweise* – bitte vor der Freigabe die Notizen unter den Stichpunkten prüfen.",
    },
    "slack.draft.open_flag": {
        "en": ":warning: *1 open flag* – see the note under the bullets before approving.",
        "de": ":warning: *1 offener Hinweis* – bitte vor der Freigabe die Notiz unter den Stichpunkten prüfen.",
    },
    "slack.draft.field": {"en": "*{label}:* {text}", "de": "*{label}:* {text}"},
    "slack.draft.no_evidence": {
        "en": ":mag: No supporting sentence found in the article.",
        "de": ":mag: Im Artikel wurde kein stützender Satz gefunden.",
    },
    "slack.draft.warning": {"en": "Please check: {text}", "de": "Bitte prüfen: {text}"},
    "slack.draft.more_warnings": {
        "en": "…and {count} more things to check.",
        "de": "… und {count} weitere Hinweise.",
    },
    "slack.user.unknown": {"en": "someone", "de": "jemand"},
    # --- /summarize -------------------------------------------------------------------------
    "slack.preview.fallback": {
        "en": "Your summary of {title}",
        "de": "Ihre Zusammenfassung von {title}",
    },
    "slack.preview.intro": {
        "en": "Only you can see this. Post it for review so an editor can approve it.",
        "de": "Nur Sie sehen das. Posten Sie es zur Prüfung, damit die Redaktion es freigeben kann.",
    },
    "slack.usage.text": {
        "en": "Usage: `{command} https://example.com/article`. I'll summarize the article and show the draft only to you.",
        "de": "So geht's: `{command} https://example.com/artikel`. Ich fasse den Artikel zusammen und zeige den Entwurf nur Ihnen.",
    },
    "slack.usage.missing_url": {
        "en": "Please add a link to the article.",
        "de": "Bitte fügen Sie einen Link zum Artikel hinzu.",
    },
    "slack.usage.invalid_url": {
        "en": "That doesn't look like a web link (only http and https links work).",
        "de": "Das sieht nicht nach einem Weblink aus (nur http- und https-Links funktionieren).",
    },
    "slack.already.summarized": {
        "en": ":information_source: This article was already summarized: {link}.",
        "de": ":information_source: Dieser Artikel wurde schon zusammengefasst: {link}.",
    },
    "slack.already.summarized_no_link": {
        "en": ":information_source: This article was already summarized in this channel.",
        "de": ":information_source: Dieser Artikel wurde in diesem Kanal schon zusammengefasst.",
    },
    "slack.already.thread_label": {"en": "see the thread", "de": "zum Thread"},
    # --- Modals -----------------------------------------------------------------------------
    "slack.modal.cancel": {"en": "Cancel", "de": "Abbrechen"},
    "slack.edit.title": {"en": "Edit draft", "de": "Entwurf bearbeiten"},
    "slack.edit.submit": {"en": "Save", "de": "Speichern"},
    "slack.edit.label": {"en": "Bullets", "de": "Stichpunkte"},
    "slack.edit.hint": {
        "en": "One bullet per line, {min} to {max} bullets.",
        "de": "Ein Stichpunkt pro Zeile, {min} bis {max} Stichpunkte.",
    },
    "slack.edit.checks": {"en": "Checks to look at:", "de": "Zu prüfen:"},
    "slack.edit.error.empty": {
        "en": "Please enter at least one bullet.",
        "de": "Bitte geben Sie mindestens einen Stichpunkt ein.",
    },
    "slack.edit.error.too_long": {
        "en": "That is {length} characters; Slack allows at most {limit}.",
        "de": "Das sind {length} Zeichen; Slack erlaubt höchstens {limit}.",
    },
    "slack.edit.error.too_few": {
        "en": "Please write at least {min} bullets, one per line (now {count}).",
        "de": "Bitte schreiben Sie mindestens {min} Stichpunkte, einen pro Zeile (jetzt {count}).",
    },
    "slack.edit.error.too_many": {
        "en": "Please write at most {max} bullets, one per line (now {count}).",
        "de": "Bitte schreiben Sie höchstens {max} Stichpunkte, einen pro Zeile (jetzt {count}).",
    },
    "slack.edit.error.bullet_too_long": {
        "en": "Bullet {number} has {length} characters; please keep each bullet to {limit}.",
        "de": "Stichpunkt {number} hat {length} Zeichen; bitte höchstens {limit} pro Stichpunkt.",
    },
    "slack.edit.field_hint": {
        "en": "At most {limit} characters. Empty: left out.",
        "de": "Höchstens {limit} Zeichen. Leer: entfällt.",
    },
    "slack.edit.error.field_too_long": {
        "en": "That is {length} characters; this field allows at most {limit}.",
        "de": "Das sind {length} Zeichen; dieses Feld erlaubt höchstens {limit}.",
    },
    "slack.regenerate.title": {"en": "New version", "de": "Neue Fassung"},
    "slack.regenerate.submit": {"en": "Regenerate", "de": "Neu erstellen"},
    "slack.regenerate.intro": {
        "en": "I'll write a new version of this summary. The current text stays in the history.",
        "de": "Ich schreibe eine neue Fassung dieser Zusammenfassung. Der jetzige Text bleibt im Verlauf.",
    },
    "slack.regenerate.label": {
        "en": "What should change? (optional)",
        "de": "Was soll sich ändern? (optional)",
    },
    "slack.regenerate.placeholder": {
        "en": "e.g. shorter, more neutral",
        "de": "z. B. kürzer, neutraler",
    },
    "slack.reject.title": {"en": "Reject draft", "de": "Entwurf ablehnen"},
    "slack.reject.submit": {"en": "Reject", "de": "Ablehnen"},
    "slack.reject.intro": {
        "en": "Rejecting ends this draft and removes its buttons. Nothing is published.",
        "de": "Mit dem Ablehnen endet dieser Entwurf, die Knöpfe verschwinden. Nichts wird veröffentlicht.",
    },
    "slack.reject.label": {"en": "Reason (optional)", "de": "Grund (optional)"},
    # --- App Home ---------------------------------------------------------------------------
    "slack.home.title": {"en": "Newsroom summaries", "de": "Zusammenfassungen der Redaktion"},
    "slack.home.pending": {
        "en": "*Waiting for review* ({count})",
        "de": "*Warten auf Prüfung* ({count})",
    },
    "slack.home.pending_empty": {
        "en": "Nothing is waiting for review.",
        "de": "Nichts wartet auf Prüfung.",
    },
    "slack.home.pending_item": {
        "en": "{link} — asked by {user}, {when}",
        "de": "{link} – angefragt von {user}, {when}",
    },
    "slack.home.more": {"en": "…and {count} more.", "de": "… und {count} weitere."},
    "slack.home.approvals": {"en": "*Recently approved*", "de": "*Kürzlich freigegeben*"},
    "slack.home.approvals_empty": {"en": "No approvals yet.", "de": "Noch keine Freigaben."},
    "slack.home.approval_item": {
        "en": "{link} — approved by {user}, {when}",
        "de": "{link} – freigegeben von {user}, {when}",
    },
    "slack.home.thread": {"en": "thread", "de": "Thread"},
    "slack.home.article": {"en": "article", "de": "Artikel"},
    "slack.home.help_title": {"en": "*How to use the bot*", "de": "*So nutzen Sie den Bot*"},
    "slack.home.help_link": {
        "en": ":link: Paste an article link in a channel I'm in. I'll reply in the thread with a summary draft for an editor to approve.",
        "de": ":link: Fügen Sie einen Artikel-Link in einen Kanal ein, in dem ich bin. Ich antworte im Thread mit einem Entwurf, den die Redaktion freigibt.",
    },
    "slack.home.help_command": {
        "en": ":mag: Type `/summarize` and a link to get a summary only you can see; you can then post it for review.",
        "de": ":mag: Tippen Sie `/summarize` und einen Link, um eine Zusammenfassung nur für Sie zu bekommen; danach können Sie sie zur Prüfung posten.",
    },
    "slack.home.help_review": {
        "en": ":white_check_mark: Editors approve, edit, regenerate or reject each draft with the buttons under it. Only approved text is published.",
        "de": ":white_check_mark: Die Redaktion gibt jeden Entwurf mit den Knöpfen darunter frei, bearbeitet, erneuert oder lehnt ihn ab. Veröffentlicht wird nur freigegebener Text.",
    },
    "slack.home.not_editor": {
        "en": "You can ask for summaries; approving them is up to the editors.",
        "de": "Sie können Zusammenfassungen anfordern; freigeben kann sie die Redaktion.",
    },
}
