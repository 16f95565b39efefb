"""``newsbot extract``: JSON on stdout, or one sentence on stderr and a non-zero exit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import FIXTURES
from tests.fakes.news_site import NewsSite

DE_PAGE = FIXTURES / "articles" / "de-news.html"


@pytest.fixture
def local_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fake site lives on 127.0.0.1 and a random port; production refuses both.
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE_NETWORKS", "true")
    monkeypatch.setenv("FETCH_ALLOWED_PORTS", "")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("local_fetch")
def test_prints_the_article_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    with NewsSite() as site:
        site.add("/politik/gipfel?utm_source=slack", DE_PAGE.read_bytes())
        site.add("/politik/gipfel", DE_PAGE.read_bytes())
        code, out, err = run(capsys, site.url("/politik/gipfel?utm_source=slack#top"))
    assert code == 0, err
    article = json.loads(out)
    for key in ("url", "final_url", "title", "text", "language", "author", "published"):
        assert key in article
    assert article["url"] == site.url("/politik/gipfel")  # tracking and fragment dropped
    assert article["language"] == "de"
    assert article["word_count"] == len(article["text"].split())
    assert "Wir nutzen künstliche Intelligenz" not in article["text"]
    assert err == ""


@pytest.mark.usefixtures("local_fetch")
@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (404, "The page wasn't found (HTTP 404). Check the link."),
        (403, "The website refused to let me read the page (HTTP 403)"),
        (503, "The website had a problem of its own (HTTP 503). Try again later."),
    ],
)
def test_http_errors_are_one_sentence(
    capsys: pytest.CaptureFixture[str], status: int, sentence: str
) -> None:
    with NewsSite() as site:
        site.add("/story", "<html><body>nope</body></html>", status=status)
        code, out, err = run(capsys, site.url("/story"))
    assert code == 1
    assert out == ""
    assert err.startswith(sentence)
    assert err.count("\n") == 1  # exactly one line, no traceback, no log noise


@pytest.mark.parametrize(
    ("source", "sentence"),
    [
        ("file:///etc/passwd", "That doesn't look like a web link I can open"),
        ("ftp://news.example/story", "That doesn't look like a web link I can open"),
        ("http://127.0.0.1/admin", "That link points to an internal or reserved address"),
        ("http://2130706433/", "That link points to an internal or reserved address"),
        ("https://news.example:8443/x", "That link uses an unusual port (8443)"),
        ("no-such-file.html", "I couldn't read that file: there is no such file"),
    ],
)
def test_refusals_without_network(
    capsys: pytest.CaptureFixture[str], source: str, sentence: str
) -> None:
    code, out, err = run(capsys, source)
    assert code == 1
    assert out == ""
    assert err.startswith(sentence)
    assert err.count("\n") == 1


def test_local_file_in_latin1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    html = DE_PAGE.read_text(encoding="utf-8")
    html = html.replace('charset="utf-8"', 'charset="iso-8859-1"').replace(
        "charset=utf-8", "charset=iso-8859-1"
    )
    page = tmp_path / "saved.html"
    page.write_bytes(html.encode("iso-8859-1", errors="replace"))
    code, out, err = run(capsys, str(page))
    assert code == 0, err
    article = json.loads(out)
    original = json.loads(_extract_file(capsys, DE_PAGE, tmp_path))
    assert article["text"] == original["text"]
    assert any(ch in article["text"] for ch in "äöüÄÖÜß")


def _extract_file(capsys: pytest.CaptureFixture[str], page: Path, tmp_path: Path) -> str:
    copy = tmp_path / "utf8.html"
    shutil.copy(page, copy)
    code, out, err = run(capsys, str(copy))
    assert code == 0, err
    return out


def test_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(capsys, str(tmp_path))
    assert code == 1
    assert err.startswith("I couldn't read that file: it is a folder, not a file.")
