"""What a response holds: its Content-Type header read (:func:`parse_content_type`), a body sent
without one sniffed (:func:`sniff`), and a human word for what is not a web page
(:func:`kind_of`).
"""

from __future__ import annotations

import email.message

from bot.articles.errors import NotAWebPage


def parse_content_type(header: str | None) -> tuple[str | None, str | None]:
    """``(mime type, charset)`` of a Content-Type header; ``(None, None)`` if absent."""
    if not header or not header.strip():
        return None, None
    message = email.message.Message()
    message["Content-Type"] = header
    charset = message.get_content_charset()
    mime = header.split(";", 1)[0].strip().lower()
    return (mime or None), charset


def kind_of(mime: str) -> str:
    """A human word for a content type that is not a web page ("PDF document", "image", …)."""
    major = mime.split("/", 1)[0]
    if mime == "application/pdf":
        return "PDF document"
    if major == "image":
        return "image"
    if major == "video":
        return "video"
    if major == "audio":
        return "audio file"
    if mime == "application/json" or mime.endswith("+json"):
        return "data file"
    return f"file of type {mime}"


MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


def sniff(body: bytes, declared: str | None) -> str:
    """The page type of a body sent without a usable Content-Type, or refuse it."""
    head = body[:1024]
    for magic, mime in MAGIC:
        if head.startswith(magic):
            raise NotAWebPage(f"sniffed {mime}", kind=kind_of(mime))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise NotAWebPage("sniffed image/webp", kind="image")
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"<"):
        return "text/html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAWebPage("binary body", kind=kind_of(declared or "application/octet-stream"))
    return "text/plain"
