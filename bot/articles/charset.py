"""Turn the bytes of a fetched page into text, the way browsers pick the encoding.

Order (WHATWG HTML "determining the character encoding",
https://html.spec.whatwg.org/multipage/parsing.html#determining-the-character-encoding):
byte order mark, then the HTTP ``charset``, then ``<meta charset>`` / ``http-equiv`` in the first
bytes, then detection. Labels are resolved with the WHATWG Encoding Standard's table
(``webencodings``), so ``iso-8859-1``, ``latin1`` and ``us-ascii`` mean windows-1252 as in every
browser. Two departures keep newsroom text right where servers are misconfigured: a declared
charset is used only if the body decodes under it, and a declared legacy charset yields to
UTF-8 when the body is valid UTF-8 containing non-ASCII bytes (real legacy text almost never is).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import webencodings  # type: ignore[import-untyped]  # untyped; we only call lookup()

PRESCAN_BYTES = 4096

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
_COMMENT_RE = re.compile(rb"<!--.*?-->", re.DOTALL)
# Covers <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
_META_RE = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""")


def _windows_1252_table() -> str:
    # WHATWG windows-1252 is latin-1 except for 0x80-0x9F; bytes Python's cp1252 leaves
    # undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same value.
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()


def _decode_windows_1252(body: bytes) -> str:
    return codecs.charmap_decode(body, "strict", _WINDOWS_1252)[0]


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode a page: ``(text, name of the encoding used)``; never raises on bad bytes."""
    for bom, bom_name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_name, errors="replace"), bom_name

    declared = [label for label in (header_charset, *_prescan(body)) if label]
    non_ascii_utf8 = not body.isascii() and _decodes(body, "utf-8")
    first_known: str | None = None
    for label in declared:
        name = _whatwg_name(label)
        if name is None:
            continue
        first_known = first_known or name
        if name != "utf-8" and non_ascii_utf8:
            return body.decode("utf-8"), "utf-8"
        text = _strict_decode(body, name)
        if text is not None:
            return text, name

    if _decodes(body, "utf-8"):
        return body.decode("utf-8"), "utf-8"
    detected = _detect(body)
    if detected is not None:
        text = _strict_decode(body, detected)
        if text is not None:
            # Detectors often cannot tell windows-1250/-1252/iso-8859-15 apart on German or
            # English text; when windows-1252 (the WHATWG default here) reads the same, say so.
            if detected != "windows-1252" and text == _strict_decode(body, "windows-1252"):
                return text, "windows-1252"
            return text, detected
    # Nothing fits cleanly: use what the page declared, else the WHATWG default for
    # Western locales (windows-1252 never fails), replacing what cannot be decoded.
    fallback = first_known or "windows-1252"
    return _lenient_decode(body, fallback), fallback


def _prescan(body: bytes) -> list[str]:
    """Encoding labels declared in the first bytes: ``<meta>`` first, then an XML declaration."""
    head = _COMMENT_RE.sub(b"", body[:PRESCAN_BYTES])
    labels: list[str] = []
    meta = _META_RE.search(head)
    if meta:
        label = meta.group(1).decode("ascii")
        name = _whatwg_name(label)
        # WHATWG: a <meta> claiming UTF-16 means UTF-8 (the bytes were ASCII-readable),
        # and x-user-defined means windows-1252.
        if name in ("utf-16le", "utf-16be"):
            label = "utf-8"
        elif name == "x-user-defined":
            label = "windows-1252"
        labels.append(label)
    xml = _XML_DECL_RE.search(head)
    if xml:
        labels.append(xml.group(1).decode("ascii"))
    return labels


def _whatwg_name(label: str) -> str | None:
    """The WHATWG canonical name for ``label``, or None if unknown (or the "replacement" trap)."""
    encoding = webencodings.lookup(label)
    if encoding is None or encoding.name == "replacement":
        return None
    return str(encoding.name)


def _python_codec(name: str) -> str:
    encoding = webencodings.lookup(name)
    if encoding is not None:
        return str(encoding.codec_info.name)
    return codecs.lookup(name).name


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _strict_decode(body: bytes, name: str) -> str | None:
    if name == "windows-1252":
        return _decode_windows_1252(body)
    try:
        return body.decode(_python_codec(name))
    except (UnicodeDecodeError, LookupError):
        return None


def _lenient_decode(body: bytes, name: str) -> str:
    if name == "windows-1252":
        return _decode_windows_1252(body)
    try:
        return body.decode(_python_codec(name), errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _detect(body: bytes) -> str | None:
    """Best guess by charset-normalizer, preferring encodings the WHATWG standard knows.

    The detector sees only the lines with non-ASCII bytes: on real pages markup and scripts
    outweigh the text, and its samples would otherwise be mostly ASCII. Encodings browsers
    never use (DOS and Mac code pages) rank high on short Western text, so the first
    candidate with a WHATWG name wins.
    """
    sample = b"\n".join(line for line in body.splitlines() if not line.isascii()) or body
    # preemptive_behaviour=False: declarations were already weighed above, within the window.
    matches = list(charset_normalizer.from_bytes(sample, preemptive_behaviour=False))
    names: list[str] = []
    for match in matches:
        try:
            names.append(codecs.lookup(match.encoding).name)
        except LookupError:
            continue
    for name in names:
        web_name = _whatwg_name(name)
        if web_name is not None:
            return web_name
    return names[0] if names else None
