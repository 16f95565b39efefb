"""Sentences of the review loop: refusals, conflicts and notices (keys ``review.*``).

Placeholders are filled with text already escaped for Slack (mentions, links).
"""

MESSAGES: dict[str, dict[str, str]] = {
    # A passing failure the bot retries by itself ({time}: a Slack time token). One sentence:
    # the cause, then when the next try comes; the Retry button under it tries at once.
    "review.auto_retry": {
        "en": "That didn't work just now; I'll try again at {time}.",
        "de": "Das hat gerade nicht geklappt; ich versuche es um {time} noch einmal.",
    },
    "review.auto_retry.summary_unavailable": {
        "en": "The model is overloaded; I'll try again at {time}.",
        "de": "Das KI-Modell ist überlastet; ich versuche es um {time} noch einmal.",
    },
    "review.auto_retry.unreachable": {
        "en": "I couldn't reach the website; I'll try again at {time}.",
        "de": "Ich konnte die Website nicht erreichen; ich versuche es um {time} noch einmal.",
    },
    "review.auto_retry.too_slow": {
        "en": "The website took too long to answer; I'll try again at {time}.",
        "de": "Die Website hat zu lange gebraucht; ich versuche es um {time} noch einmal.",
    },
    "review.auto_retry.http_rate_limited": {
        "en": "The website is limiting requests (HTTP 429); I'll try again at {time}.",
        "de": "Die Website begrenzt gerade die Anfragen (HTTP 429); ich versuche es um {time} noch einmal.",
    },
    "review.auto_retry.http_server_error": {
        "en": "The website had a problem of its own (HTTP {status}); I'll try again at {time}.",
        "de": "Die Website hatte selbst ein Problem (HTTP {status}); ich versuche es um {time} noch einmal.",
    },
    "error.attempts_exhausted": {
        "en": "I tried several times but could not finish this summary.",
        "de": "Ich habe es mehrmals versucht, konnte diese Zusammenfassung aber nicht fertigstellen.",
    },
    "review.not_editor": {
        "en": "Only editors can approve or reject drafts.",
        "de": "Nur die Redaktion kann Entwürfe freigeben oder ablehnen.",
    },
    "review.not_allowed": {
        "en": "Only editors and the reporter who posted the link can change this draft.",
        "de": "Nur die Redaktion und wer den Link gepostet hat, können diesen Entwurf ändern.",
    },
    "review.already_approved": {
        "en": "{user} already approved this draft.",
        "de": "{user} hat diesen Entwurf schon freigegeben.",
    },
    "review.already_rejected": {
        "en": "{user} already rejected this draft.",
        "de": "{user} hat diesen Entwurf schon abgelehnt.",
    },
    "review.busy": {
        "en": "I'm still working on this draft; please try again when it's ready.",
        "de": "Ich arbeite noch an diesem Entwurf; bitte versuchen Sie es erneut, wenn er fertig ist.",
    },
    "review.not_ready": {
        "en": "This draft can't be changed right now.",
        "de": "Dieser Entwurf kann gerade nicht geändert werden.",
    },
    "review.changed": {
        "en": "Someone changed this draft in the meantime; please look at the new version first.",
        "de": "Jemand hat den Entwurf inzwischen geändert; bitte sehen Sie sich zuerst die neue Fassung an.",
    },
    # An action on a card whose revision is no longer current: nothing changed, the card is
    # redrawn with the current text right after this sentence.
    "review.stale": {
        "en": "The summary changed since you looked: here is the current version.",
        "de": "Die Zusammenfassung hat sich geändert, seit Sie sie angesehen haben: Hier ist die aktuelle Fassung.",
    },
    # The database failed while recording a click or form: nothing was recorded.
    "review.not_recorded": {
        "en": "That didn't go through: nothing was recorded. Please try again in a moment.",
        "de": "Das hat nicht geklappt: Es wurde nichts gespeichert. Bitte versuchen Sie es gleich noch einmal.",
    },
    "review.not_found": {
        "en": "I can't find this draft any more.",
        "de": "Ich finde diesen Entwurf nicht mehr.",
    },
    "review.not_editor_retract": {
        "en": "Only editors can retract a summary.",
        "de": "Nur die Redaktion kann eine Zusammenfassung zurückziehen.",
    },
    "review.not_editor_correct": {
        "en": "Only editors can correct a published summary.",
        "de": "Nur die Redaktion kann eine veröffentlichte Zusammenfassung korrigieren.",
    },
    "review.published": {
        "en": "This summary is already published. To take it back, use Retract.",
        "de": "Diese Zusammenfassung ist schon veröffentlicht. Um sie zurückzunehmen, nutzen Sie „Zurückziehen“.",
    },
    "review.already_retracted": {
        "en": "{user} already retracted this summary.",
        "de": "{user} hat diese Zusammenfassung schon zurückgezogen.",
    },
    # Timeline lines of ``newsbot audit`` for the publishing actions (``audit.event.<action>``).
    "audit.event.draft.correction_started": {
        "en": "corrected the published text (revision {revision})",
        "de": "hat den veröffentlichten Text korrigiert (Fassung {revision})",
    },
    "audit.event.draft.retracted": {
        "en": "retracted the summary (revision {revision})",
        "de": "hat die Zusammenfassung zurückgezogen (Fassung {revision})",
    },
    "review.nothing_to_retry": {
        "en": "There is nothing to retry for this draft.",
        "de": "Bei diesem Entwurf gibt es nichts zu wiederholen.",
    },
    "review.too_slow": {
        "en": "Slack needed too long to open the form; please click the button again.",
        "de": "Slack hat zu lange gebraucht, um das Formular zu öffnen; bitte klicken Sie noch einmal.",
    },
    "review.accepted": {
        "en": ":hourglass_flowing_sand: Summarizing {url}… only you will see the result.",
        "de": ":hourglass_flowing_sand: Ich fasse {url} zusammen … nur Sie sehen das Ergebnis.",
    },
    "review.posted": {
        "en": ":white_check_mark: Posted for review in this channel.",
        "de": ":white_check_mark: Zur Prüfung in diesem Kanal gepostet.",
    },
    "review.dismissed": {
        "en": "Dismissed.",
        "de": "Verworfen.",
    },
    "review.not_in_channel": {
        "en": "I'm not a member of this channel. Invite me with `/invite`, then try again.",
        "de": "Ich bin kein Mitglied dieses Kanals. Laden Sie mich mit `/invite` ein und versuchen Sie es dann erneut.",
    },
}
