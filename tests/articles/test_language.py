"""Language detection: stop words first, py3langid's shared identifier (memory-mapped, loaded
once and only when needed) from many threads."""

from __future__ import annotations

import mmap
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from bot.articles.language import _identifier, choose, detect

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


def test_mapped_model_classifies_exactly_as_the_library_loads_it() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    heap = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    mapped = _identifier()
    texts = [*_TEXTS, "这是一个中文句子。", "Это предложение на русском языке.", "", "12 34"]
    assert [mapped.classify(t) for t in texts] == [heap.classify(t) for t in texts]


def test_model_arrays_are_views_of_a_read_only_mapping_not_heap_copies() -> None:
    # The ~70 MB model stays in a file mapping: only the pages texts walk through are resident.
    identifier = _identifier()
    for array in (identifier.nb_ptc, identifier.tk_nextmove.obj, identifier.tk_output.obj):
        assert not array.flags.owndata
        assert not array.flags.writeable
        base = array
        while not isinstance(base, mmap.mmap) and base is not None:
            base = base.obj if isinstance(base, memoryview) else base.base
        assert isinstance(base, mmap.mmap)


def test_a_clear_article_and_the_serve_start_never_load_the_statistical_model() -> None:
    # py3langid's model (and numpy under it) load only for an article whose stop words leave
    # its language in doubt; the start of `serve` (imports and warm-up) needs neither.
    code = (
        "import sys\n"
        "import bot.cli.serve, bot.slack.app, bot.articles.pipeline\n"
        "from bot.cli.serve import warm_up\n"
        "from bot.articles.language import choose\n"
        "warm_up()\n"
        f"assert choose({_GERMAN_ARTICLE!r}, 'en') == 'de'\n"
        "print(sorted(m for m in ('numpy', 'py3langid') if m in sys.modules))\n"
        "choose('这是一个中文句子，没有空格。' * 20)\n"
        "print(sorted(m for m in ('numpy', 'py3langid') if m in sys.modules))\n"
    )
    result = subprocess.run(  # noqa: S603  # our own interpreter
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    loaded = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert loaded == ["[]", "['numpy', 'py3langid']"]


_GERMAN_ARTICLE = (
    "Der Stadtrat hat am Dienstag mit großer Mehrheit beschlossen, dass die alte Bibliothek am "
    "Marktplatz saniert und um einen Anbau erweitert wird. Die Kosten sollen nach ersten "
    "Schätzungen bei rund zwölf Millionen Euro liegen, sagte die Bürgermeisterin nach der "
    "Sitzung. Ein Teil des Geldes kommt vom Land, den Rest muss die Stadt selbst aufbringen."
)
