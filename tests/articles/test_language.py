"""Language detection: py3langid's shared identifier from many threads."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from bot.articles.language import choose, detect

_TEXTS = [
    "Die Bundesnetzagentur hat am Montag neue Regeln für den Netzausbau vorgestellt. "
    "Die Betreiber müssen bis Ende des Jahres nachweisen, dass sie die Vorgaben erfüllen.",
    "The regulator unveiled new rules for the network build-out on Monday. Operators must "
    "show by the end of the year that they meet the requirements.",
    "Le régulateur a présenté lundi de nouvelles règles pour le déploiement du réseau.",
    "El regulador presentó el lunes nuevas normas para la ampliación de la red.",
]


def test_detection_from_many_threads_matches_one_thread() -> None:
    # The identifier is one object for the process (loaded once); classify keeps no state on
    # it, so 16 threads at once must get exactly what one thread gets.
    texts = [text[: 40 + 7 * i] for text in _TEXTS for i in range(12)]
    expected = [detect(text) for text in texts]
    barrier = threading.Barrier(16)

    def work(_: int) -> list[tuple[str, float]]:
        barrier.wait()
        return [detect(text) for text in texts]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(work, range(16)))
    finally:
        sys.setswitchinterval(interval)
    assert all(result == expected for result in results)
    assert choose(_TEXTS[0] * 3, "en") == "de"
