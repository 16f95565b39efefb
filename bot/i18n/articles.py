"""Sentences for the article pipeline's refusals (keys: ``error.<ArticleError.code>``)."""

MESSAGES: dict[str, dict[str, str]] = {
    "error.article": {
        "en": "I couldn't get the article from that link.",
        "de": "Ich konnte den Artikel unter diesem Link nicht abrufen.",
    },
    "error.invalid_url": {
        "en": "That doesn't look like a web link I can open (only http and https links work).",
        "de": "Das sieht nicht nach einem Weblink aus, den ich öffnen kann (nur http- und https-Links).",
    },
    "error.address_not_allowed": {
        "en": "That link points to an internal or reserved address, so I won't open it.",
        "de": "Der Link zeigt auf eine interne oder reservierte Adresse, deshalb öffne ich ihn nicht.",
    },
    "error.port_not_allowed": {
        "en": "That link uses an unusual port ({port}), so I won't open it.",
        "de": "Der Link verwendet einen ungewöhnlichen Port ({port}), deshalb öffne ich ihn nicht.",
    },
    "error.domain_not_allowed": {
        "en": "I'm only allowed to open links from the newsroom's approved sites, and this one isn't on the list.",
        "de": "Ich darf nur Links von freigegebenen Seiten öffnen, und diese Seite gehört nicht dazu.",
    },
    "error.unreachable": {
        "en": "I couldn't reach that website. It may be down; try again later.",
        "de": "Ich konnte die Website nicht erreichen. Vielleicht ist sie gestört; versuchen Sie es später noch einmal.",
    },
    "error.not_a_web_page": {
        "en": "That link isn't a web page (it's a {kind}), so there's no article for me to summarize.",
        "de": "Der Link führt nicht zu einer Webseite (sondern zu: {kind}), daher gibt es keinen Artikel zum Zusammenfassen.",
    },
    "error.too_large": {
        "en": "That page is too large for me to read (over {limit_mb} MB).",
        "de": "Die Seite ist zu groß für mich (über {limit_mb} MB).",
    },
    "error.too_slow": {
        "en": "The website took too long to answer, so I gave up. Try again later.",
        "de": "Die Website hat zu lange für eine Antwort gebraucht. Versuchen Sie es später noch einmal.",
    },
    "error.too_many_redirects": {
        "en": "That link redirects too many times, so I stopped following it.",
        "de": "Der Link leitet zu oft weiter, deshalb bin ich ihm nicht weiter gefolgt.",
    },
    "error.http_error": {
        "en": "The website answered with an error (HTTP {status}), so I couldn't read the article.",
        "de": "Die Website hat mit einem Fehler geantwortet (HTTP {status}), daher konnte ich den Artikel nicht lesen.",
    },
    "error.http_not_found": {
        "en": "The page wasn't found (HTTP {status}). Check the link.",
        "de": "Die Seite wurde nicht gefunden (HTTP {status}). Bitte prüfen Sie den Link.",
    },
    "error.http_forbidden": {
        "en": "The website refused to let me read the page (HTTP {status}); it may block bots or need a login.",
        "de": "Die Website hat mir den Zugriff verweigert (HTTP {status}); vielleicht sperrt sie Bots oder verlangt eine Anmeldung.",
    },
    "error.http_rate_limited": {
        "en": "The website is limiting requests right now (HTTP 429). Try again in a few minutes.",
        "de": "Die Website begrenzt gerade die Anfragen (HTTP 429). Versuchen Sie es in ein paar Minuten noch einmal.",
    },
    "error.http_server_error": {
        "en": "The website had a problem of its own (HTTP {status}). Try again later.",
        "de": "Die Website hatte selbst ein Problem (HTTP {status}). Versuchen Sie es später noch einmal.",
    },
    "error.paywalled": {
        "en": "The page is behind a paywall, so I can't summarize it.",
        "de": "Der Artikel steht hinter einer Bezahlschranke, deshalb kann ich ihn nicht zusammenfassen.",
    },
    "error.no_article_text": {
        "en": "I couldn't find any article text on that page.",
        "de": "Auf dieser Seite habe ich keinen Artikeltext gefunden.",
    },
    "error.teaser_only": {
        "en": "I only found a few lines on that page, not a whole article; it may be a teaser for a paywalled story, a video or a gallery.",
        "de": "Auf der Seite stehen nur wenige Zeilen, kein ganzer Artikel; vielleicht ein Anreißer für einen Bezahlartikel, ein Video oder eine Galerie.",
    },
    "error.file_not_readable": {
        "en": "I couldn't read that file: {reason}.",
        "de": "Ich konnte die Datei nicht lesen: {reason}.",
    },
}
