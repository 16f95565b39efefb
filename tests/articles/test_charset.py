"""Charset decoding: BOM > HTTP header > <meta> > detection, with WHATWG labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.articles.charset import decode_html

TITLE = "Neues Schwimmbad für Würzburg"
UMLAUT_WORDS = (
    "Bürgermeisterin",
    "Größere",
    "Änderungen",
    "Außerdem",
    "günstigere",
    "Öffnungszeiten",
)


def read(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "fetch" / name).read_bytes()


def assert_german_text(text: str) -> None:
    assert TITLE in text
    for word in UMLAUT_WORDS:
        assert word in text
    assert "\ufffd" not in text
    assert "Ã" not in text  # the classic UTF-8-read-as-latin-1 mojibake


def test_iso_8859_1_declared_by_header(fixtures_dir: Path) -> None:
    text, charset = decode_html(read(fixtures_dir, "de_latin1.html"), "ISO-8859-1")
    assert_german_text(text)
    assert charset == "windows-1252"  # WHATWG: the iso-8859-1 label means windows-1252


def test_iso_8859_1_declared_by_meta_only(fixtures_dir: Path) -> None:
    text, charset = decode_html(read(fixtures_dir, "de_latin1_meta.html"), None)
    assert_german_text(text)
    assert charset == "windows-1252"


def test_iso_8859_1_undeclared_is_detected(fixtures_dir: Path) -> None:
    text, charset = decode_html(read(fixtures_dir, "de_latin1.html"), None)
    assert_german_text(text)
    assert charset == "windows-1252"


def test_windows_1252_typographic_quotes(fixtures_dir: Path) -> None:
    text, charset = decode_html(read(fixtures_dir, "cp1252_quotes.html"), None)
    assert charset == "windows-1252"
    assert "„Wir sind zufrieden“" in text
    assert "5 € pro Kopf" in text
    assert "‚Das ist’s.‘ …" in text
    assert "“Smart quotes” and ‘single ones’ — with an em dash and a trade mark™" in text


def test_latin1_header_on_a_windows_1252_page_still_reads_the_quotes(fixtures_dir: Path) -> None:
    # Browsers read iso-8859-1 as windows-1252, so 0x84/0x93 are „ and “, not C1 controls.
    text, _ = decode_html(read(fixtures_dir, "cp1252_quotes.html"), "iso-8859-1")
    assert "„Wir sind zufrieden“" in text


def test_utf8_with_bom(fixtures_dir: Path) -> None:
    text, charset = decode_html(read(fixtures_dir, "utf8_bom.html"), None)
    assert charset == "utf-8"
    assert_german_text(text)
    assert text.startswith("<!DOCTYPE html>")  # the BOM itself is not part of the text


def test_bom_wins_over_a_lying_header(fixtures_dir: Path) -> None:
    text, charset = decode_html(read(fixtures_dir, "utf8_bom.html"), "iso-8859-1")
    assert charset == "utf-8"
    assert_german_text(text)


def test_header_wins_over_meta() -> None:
    body = '<meta charset="utf-8"><p>Größe</p>'.encode("iso-8859-1")
    text, charset = decode_html(body, "windows-1252")
    assert (charset, "Größe" in text) == ("windows-1252", True)


def test_utf8_header_on_a_latin1_page_falls_back_to_meta(fixtures_dir: Path) -> None:
    # A server default of "charset=UTF-8" on a legacy page: the bytes are not UTF-8.
    text, charset = decode_html(read(fixtures_dir, "de_latin1_meta.html"), "utf-8")
    assert_german_text(text)
    assert charset == "windows-1252"


def test_latin1_header_on_a_utf8_page_yields_to_utf8() -> None:
    body = "<p>Die Bürgermeisterin über Größe und Maß.</p>".encode()
    text, charset = decode_html(body, "iso-8859-1")
    assert (text, charset) == ("<p>Die Bürgermeisterin über Größe und Maß.</p>", "utf-8")


def test_utf16_bom() -> None:
    body = "\ufeff<p>Grüße aus Köln</p>".encode("utf-16-le")
    assert decode_html(body, None) == ("<p>Grüße aus Köln</p>", "utf-16le")


def test_meta_claiming_utf16_means_utf8() -> None:
    body = '<meta charset="utf-16"><p>Grüße</p>'.encode()
    assert decode_html(body, None) == ('<meta charset="utf-16"><p>Grüße</p>', "utf-8")


def test_meta_inside_a_comment_is_ignored() -> None:
    body = b'<!-- <meta charset="koi8-r"> --><meta charset="iso-8859-15"><p>Preis: 5 \xa4</p>'
    text, charset = decode_html(body, None)
    assert charset == "iso-8859-15"
    assert "Preis: 5 €" in text  # 0xA4 is the euro sign in iso-8859-15


def test_meta_after_the_prescan_window_is_not_used(fixtures_dir: Path) -> None:
    page = read(fixtures_dir, "de_latin1.html")
    meta = b'<meta charset="windows-1251">'
    assert decode_html(meta + page, None)[1] == "windows-1251"  # inside the window: obeyed
    padding = b"<!-- " + b"x" * 5000 + b" -->"
    text, charset = decode_html(padding + meta + page, None)
    assert charset == "windows-1252"
    assert_german_text(text)


def test_unknown_labels_are_skipped() -> None:
    body = '<meta charset="no-such-charset"><p>Grüße</p>'.encode("iso-8859-1")
    text, charset = decode_html(body, "x-bogus")
    assert "Grüße" in text
    assert charset == "windows-1252"


def test_xml_declaration_is_used_for_xhtml() -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><html><p>Grüße</p></html>'.encode(
        "iso-8859-1"
    )
    text, charset = decode_html(body, None)
    assert ("Grüße" in text, charset) == (True, "windows-1252")


def test_shift_jis_declared_by_meta() -> None:
    body = "<meta charset=shift_jis><p>こんにちは、世界。</p>".encode("shift_jis")
    text, charset = decode_html(body, None)
    assert charset == "shift_jis"
    assert "こんにちは、世界。" in text


def test_windows_1252_bytes_python_leaves_undefined_decode_like_browsers() -> None:
    # 0x81 0x8D 0x8F 0x90 0x9D are unassigned in Python's cp1252; WHATWG maps them to C1.
    assert decode_html(b"a\x81b\x9dc\x80", "windows-1252") == ("a\x81b\x9dc€", "windows-1252")


def test_plain_ascii_and_empty_bodies() -> None:
    assert decode_html(b"<p>hello</p>", None) == ("<p>hello</p>", "utf-8")
    assert decode_html(b"", None) == ("", "utf-8")


@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "iso-8859-1", "shift_jis", "x"]))
def test_never_raises_on_arbitrary_bytes(body: bytes, header: str | None) -> None:
    text, charset = decode_html(body, header)
    assert isinstance(text, str)
    assert charset


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252", "iso-8859-15"])
def test_declared_text_roundtrips(encoding: str) -> None:
    original = "<p>Öffentliche Straßenbahn fährt über die Brücke, 5 Grad</p>"
    text, _ = decode_html(original.encode(encoding), encoding)
    assert text == original


def test_undeclared_windows_1252_quotes_are_detected(fixtures_dir: Path) -> None:
    body = read(fixtures_dir, "cp1252_quotes.html").replace(b'<meta charset="windows-1252">', b"")
    text, charset = decode_html(body, None)
    assert charset == "windows-1252"
    assert "„Wir sind zufrieden“, sagte der Kämmerer – das Budget liegt bei 5 €" in text


def test_detection_is_not_swamped_by_ascii_markup(fixtures_dir: Path) -> None:
    script = b"<script>" + b"var tracking = {id: 1, consent: false};\n" * 20_000 + b"</script>"
    text, charset = decode_html(script + read(fixtures_dir, "de_latin1.html"), None)
    assert charset == "windows-1252"
    assert_german_text(text)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Привет, мир! Это новости на русском языке, опубликованные сегодня утром.", "cp1251"),
        ("Zażółć gęślą jaźń, napisał prezydent miasta w oświadczeniu dla prasy.", "cp1250"),
    ],
)
def test_undeclared_non_western_pages_are_detected(text: str, encoding: str) -> None:
    decoded, _ = decode_html(f"<p>{text}</p>".encode(encoding), None)
    assert decoded == f"<p>{text}</p>"
