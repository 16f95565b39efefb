"""Sentences for summaries: failures (``error.<SummaryError.code>``), checks, CLI labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- failures ----------------------------------------------------------------------------
    "error.summary": {
        "en": "I couldn't write a summary of this article.",
        "de": "Ich konnte keine Zusammenfassung dieses Artikels schreiben.",
    },
    "error.summary_article_too_short": {
        "en": "The article is too short to summarize ({words} words; at least {minimum} are needed).",
        "de": "Der Artikel ist zu kurz für eine Zusammenfassung ({words} Wörter; nötig sind mindestens {minimum}).",
    },
    "error.summary_refused": {
        "en": "The AI model declined to summarize this article. Please write the summary by hand.",
        "de": "Das KI-Modell hat die Zusammenfassung dieses Artikels abgelehnt. Bitte schreiben Sie sie selbst.",
    },
    "error.summary_invalid": {
        "en": "The AI model's answer was unusable twice in a row. Try again, or write the summary by hand.",
        "de": "Die Antwort des KI-Modells war zweimal hintereinander unbrauchbar. Versuchen Sie es noch einmal oder schreiben Sie die Zusammenfassung selbst.",
    },
    "error.summary_unavailable": {
        "en": "The AI service is busy or unreachable right now. Try again in a few minutes.",
        "de": "Der KI-Dienst ist gerade überlastet oder nicht erreichbar. Versuchen Sie es in ein paar Minuten noch einmal.",
    },
    "error.summary_spend_limit": {
        "en": "The newsroom's AI usage limit has been reached, so I can't write summaries right now. An administrator needs to raise the limit.",
        "de": "Das KI-Nutzungslimit der Redaktion ist erreicht, daher kann ich gerade keine Zusammenfassungen schreiben. Ein Administrator muss das Limit anheben.",
    },
    "error.summary_misconfigured": {
        "en": "Summaries aren't working because the bot isn't set up correctly. An administrator needs to fix it.",
        "de": "Zusammenfassungen funktionieren nicht, weil der Bot nicht richtig eingerichtet ist. Ein Administrator muss das beheben.",
    },
    "error.summary_not_messages_api": {
        "en": "Summaries aren't working: the server at ANTHROPIC_BASE_URL answers, but not as the Claude Messages API. An administrator needs to correct ANTHROPIC_BASE_URL (its root, without /v1) or unset it to use Anthropic's API.",
        "de": "Zusammenfassungen funktionieren nicht: Der Server unter ANTHROPIC_BASE_URL antwortet, aber nicht als Claude-Messages-API. Ein Administrator muss ANTHROPIC_BASE_URL korrigieren (die Wurzel, ohne /v1) oder entfernen, um Anthropics API zu nutzen.",
    },
    # --- checks (params: text, and the named ones) ---------------------------------------------
    "check.number": {
        "en": "Number not found in the article: {text}",
        "de": "Zahl kommt im Artikel nicht vor: {text}",
    },
    "check.number_differs": {
        "en": "{text}: the article says {says}",
        "de": "{text}: Im Artikel steht {says}",
    },
    "check.quote_negated": {
        "en": "Quote cut before a negation: the article says “{says}”",
        "de": "Zitat ohne die Verneinung davor: Im Artikel steht „{says}“",
    },
    "check.attribution": {
        "en": "Check who said “{text}”: in the article it is {says}, not {speaker}",
        "de": "Bitte prüfen, wer „{text}“ gesagt hat: Im Artikel ist es {says}, nicht {speaker}",
    },
    "check.negation_added": {
        "en": "Check the wording: “{text}” – the supporting sentence has no negation here",
        "de": "Bitte Wortlaut prüfen: „{text}“ – der stützende Satz enthält hier keine Verneinung",
    },
    "check.negation_dropped": {
        "en": "Check the wording: the supporting sentence says “{text}”, the bullet does not",
        "de": "Bitte Wortlaut prüfen: Der stützende Satz sagt „{text}“, der Stichpunkt nicht",
    },
    "check.quote": {
        "en": "Quote not found in the article: “{text}”",
        "de": "Zitat steht nicht im Artikel: „{text}“",
    },
    "check.name": {
        "en": "Name not found in the article: {text}",
        "de": "Name kommt im Artikel nicht vor: {text}",
    },
    "check.artefact": {
        "en": "Looks like chatbot wording or formatting: {text}",
        "de": "Klingt nach Chatbot-Floskel oder -Formatierung: {text}",
    },
    "check.language": {
        "en": "The summary seems to be in another language ({found}) than expected ({expected}).",
        "de": "Die Zusammenfassung scheint in einer anderen Sprache ({found}) als erwartet ({expected}) zu sein.",
    },
    "check.length": {
        "en": "Bullet too long: {words} words (limit {limit}).",
        "de": "Stichpunkt zu lang: {words} Wörter (Grenze {limit}).",
    },
    "check.count": {
        "en": "{count} bullets instead of {expected}.",
        "de": "{count} Stichpunkte statt {expected}.",
    },
    "check.field_trimmed": {
        "en": "Cut to its limit of {limit} characters (the model wrote {chars}): check the ending.",
        "de": "Auf das Limit von {limit} Zeichen gekürzt (das Modell schrieb {chars}): bitte das Ende prüfen.",
    },
    "check.field_missing": {
        "en": "Not written: fill it in by hand, or it is left out.",
        "de": "Nicht geschrieben: bitte selbst ausfüllen, sonst fehlt es.",
    },
    "check.truncated": {
        "en": "The article was long: only its first {text} paragraphs were summarized.",
        "de": "Der Artikel war lang: Nur seine ersten {text} Absätze wurden zusammengefasst.",
    },
    # --- a summary's own labels (SUMMARY_HEADING, SUMMARY_DISCLAIMER and
    # SUMMARY_EXTRACTIVE_DISCLAIMER override them), in the summary's language ------------------
    "summary.heading": {
        "en": "Summary",
        "de": "Zusammenfassung",
    },
    "summary.disclaimer": {
        "en": "This summary was written with the help of artificial intelligence and checked by the newsroom.",
        "de": "Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt und von der Redaktion geprüft.",
    },
    "summary.extractive_disclaimer": {
        "en": "Put together automatically from the article's first sentences, not by an AI.",
        "de": "Automatisch aus den ersten Sätzen des Artikels zusammengestellt, nicht von einer KI.",
    },
    # --- newsbot summarize ---------------------------------------------------------------------
    "summary.warnings": {
        "en": "WARNINGS – check before approving:",
        "de": "WARNUNGEN – vor der Freigabe prüfen:",
    },
    "summary.no_warnings": {
        "en": "No warnings from the automatic checks.",
        "de": "Die automatischen Prüfungen haben nichts gefunden.",
    },
    "summary.headline_label": {
        "en": "headline",
        "de": "Überschrift",
    },
    # --- output fields (HouseStyle.fields), as labels -------------------------------------------
    "field.headline": {"en": "Headline", "de": "Schlagzeile"},
    "field.teaser": {"en": "Teaser", "de": "Teaser"},
    "field.seo_description": {"en": "SEO description", "de": "SEO-Beschreibung"},
    "field.social": {"en": "Social post", "de": "Social-Media-Text"},
    "summary.bullet_label": {
        "en": "bullet {number}",
        "de": "Stichpunkt {number}",
    },
    "summary.evidence": {
        "en": "Evidence (best supporting sentence per bullet, support 0–1):",
        "de": "Belege (beste stützende Stelle je Stichpunkt, Übereinstimmung 0–1):",
    },
    "summary.no_evidence": {
        "en": "no matching sentence",
        "de": "keine passende Stelle",
    },
    "summary.usage": {
        "en": "Model {model}, prompt {prompt_version}: {input_tokens} input tokens ({cache_read} read from cache, {cache_write} written to cache), {output_tokens} output tokens, estimated cost ${cost}.",
        "de": "Modell {model}, Prompt {prompt_version}: {input_tokens} Eingabe-Token ({cache_read} aus dem Cache gelesen, {cache_write} in den Cache geschrieben), {output_tokens} Ausgabe-Token, geschätzte Kosten {cost} $.",
    },
    "summary.extractive": {
        "en": "Extractive draft: the article's first sentences, not written by AI.",
        "de": "Auszug: die ersten Sätze des Artikels, nicht von einer KI geschrieben.",
    },
}
