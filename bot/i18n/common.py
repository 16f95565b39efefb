"""Sentences shared by every surface."""

MESSAGES: dict[str, dict[str, str]] = {
    "error.internal": {
        "en": "Something went wrong on my side. Please try again in a moment.",
        "de": "Bei mir ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.",
    },
    "error.config": {
        "en": "The bot is not configured correctly: {detail}",
        "de": "Der Bot ist nicht richtig eingerichtet: {detail}",
    },
}
