"""The desks file: parsing, validation (one sentence per problem, naming file, desk and key),
routing channels, drafts and editors to desks, and each desk's house style."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desks import Desk, Desks, DesksError, load_desks
from bot.settings import load_settings
from bot.summarizer import HouseStyle

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ENV = {"POLITIK_SECRET": SECRET}

GOOD = """
[desks.politik]
channels = ["C0123ABC", "C0456DEF"]
language = "de"
style = "styles/politik.md"
bullets = 4
words_per_bullet = 25
heading = "Das Wichtigste"
disclaimer = "KI-Zusammenfassung, redaktionell geprüft."
editors = ["U01", "U02"]
editor_usergroup = "S0EDITORS"
webhook_url = "https://cms.example/hooks/politik"
webhook_secret_env = "POLITIK_SECRET"
[desks.politik.fields]
teaser = 300
headline = 70

[desks.sport]
channels = ["C0SPORT"]
language = "article"
"""


def _write(tmp_path: Path, text: str, style: str | None = "Immer die Quelle nennen.") -> Path:
    if style is not None:
        (tmp_path / "styles").mkdir(exist_ok=True)
        (tmp_path / "styles" / "politik.md").write_text(style + "\n", encoding="utf-8")
    path = tmp_path / "desks.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _default(**settings: object) -> Desk:
    return Desk.from_settings(load_settings(_env_file=None, **settings))


def _load(tmp_path: Path, text: str, **settings: object) -> Desks:
    return load_desks(str(_write(tmp_path, text)), _default(**settings), ENV)


def _problems(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(DesksError) as caught:
        load_desks(str(_write(tmp_path, text)), _default(), ENV if env is None else env)
    return list(caught.value.problems)


def test_a_good_file_resolves_every_key_and_keeps_global_defaults(tmp_path: Path) -> None:
    desks = _load(
        tmp_path,
        GOOD,
        summary_bullets=2,
        summary_max_words_per_bullet=40,
        editor_user_ids="U0GLOBAL",
        summary_heading="Key points",
    )
    politik = desks.by_name("politik")
    assert politik.channels == {"C0123ABC", "C0456DEF"}
    assert (politik.language, politik.bullets, politik.words_per_bullet) == ("de", 4, 25)
    assert politik.heading == "Das Wichtigste"
    assert politik.instructions == "Immer die Quelle nennen."
    assert politik.style_path == str(tmp_path / "styles" / "politik.md")
    assert politik.editors == {"U01", "U02"} and politik.editor_usergroup == "S0EDITORS"
    assert politik.webhook_host == "cms.example"
    assert politik.webhook_secret is not None
    assert politik.webhook_secret.get_secret_value() == SECRET
    assert politik.fields == (("teaser", 300), ("headline", 70))  # the file's order

    sport = desks.by_name("sport")
    assert sport.language is None  # "article": follow the article
    assert (sport.bullets, sport.words_per_bullet, sport.heading) == (2, 40, "Key points")
    assert sport.editors == {"U0GLOBAL"}  # sets no editors: the global ones
    assert sport.webhook_url is None and sport.fields == ()


def test_channels_drafts_and_editors_route_to_desks(tmp_path: Path) -> None:
    desks = _load(tmp_path, GOOD)
    assert desks.for_channel("C0456DEF").name == "politik"
    assert desks.for_channel("C0SPORT").name == "sport"
    assert desks.for_channel("C0ELSE") is desks.default
    assert desks.default.name is None
    assert desks.by_name(None) is desks.default
    assert desks.by_name("gone") is desks.default  # a desk removed from the file since
    assert [d.name for d in desks.for_editor("U02")] == ["politik"]
    assert desks.channels_for_editor("U02") == frozenset({"C0123ABC", "C0456DEF"})
    assert desks.channels_for_editor("U0NOBODY") == frozenset()


def test_without_a_desks_file_the_global_desk_applies(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, summary_bullets=4)
    desks = Desks.from_settings(settings)
    assert not desks.configured and desks.desks == ()
    assert desks.for_channel("C0ANY") is desks.default
    assert desks.channels_for_editor("U01") is None
    assert desks.default.house_style() == HouseStyle.from_settings(settings)


def test_a_desk_builds_its_house_style(tmp_path: Path) -> None:
    style = _load(tmp_path, GOOD).by_name("politik").house_style()
    assert (style.bullets, style.max_words_per_bullet, style.language) == (4, 25, "de")
    assert style.instructions == "Immer die Quelle nennen."
    assert style.fields == (("teaser", 300), ("headline", 70))
    assert style.labels.heading_for("de") == "Das Wichtigste"
    assert style.labels.disclaimer_for("de") == "KI-Zusammenfassung, redaktionell geprüft."


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        (
            "bullets = 7",
            'desks.toml: desk "sport", key "bullets": must be a whole number from 2 to 5.',
        ),
        (
            'bullets = "3"',
            'desks.toml: desk "sport", key "bullets": must be a whole number from 2 to 5.',
        ),
        (
            "words_per_bullet = 5",
            'desks.toml: desk "sport", key "words_per_bullet": must be a whole number '
            "from 8 to 80.",
        ),
        (
            'language = "German"',
            'desks.toml: desk "sport", key "language": must be a language code like "de" or '
            '"en", or "article" to follow the article.',
        ),
        (
            'editors = ["someone"]',
            'desks.toml: desk "sport", key "editors": must be a list of Slack user ids, '
            'like ["U01ABC", "T0TEAM:U02DEF"].',
        ),
        (
            'webhook_url = "ftp://cms.example/x"',
            'desks.toml: desk "sport", key "webhook_url": must be an absolute http(s) URL, '
            "like https://cms.example.org/hooks/newsbot.",
        ),
        (
            "colour = 3",
            'desks.toml: desk "sport", key "colour": is not a desk setting; the settings are '
            "channels, language, style, bullets, words_per_bullet, heading, disclaimer, "
            "editors, editor_usergroup, webhook_url, webhook_secret_env, fields.",
        ),
    ],
)
def test_each_bad_value_is_one_sentence_naming_file_desk_and_key(
    tmp_path: Path, line: str, sentence: str
) -> None:
    text = f'[desks.sport]\nchannels = ["C0SPORT"]\n{line}\n'
    assert _problems(tmp_path, text) == [sentence]


def test_several_problems_are_each_reported(tmp_path: Path) -> None:
    text = """
[desks.politik]
channels = ["C0ONE"]
style = "styles/missing.md"
webhook_url = "https://cms.example/hooks/politik"
webhook_secret_env = "NOT_SET_ANYWHERE"
[desks.politik.fields]
headline = 70
byline = 40
teaser = 9000

[desks.sport]
channels = ["C0ONE"]
"""
    assert _problems(tmp_path, text, env={}) == [
        'desks.toml: desk "politik", key "style": the file styles/missing.md cannot be read.',
        'desks.toml: desk "politik", key "fields.byline": is not a field; the fields are '
        "headline, teaser, seo_description, social.",
        'desks.toml: desk "politik", key "fields.teaser": must be a character limit from 10 '
        "to 5000.",
        'desks.toml: desk "politik", key "webhook_secret_env": the environment variable '
        "NOT_SET_ANYWHERE is not set.",
        'desks.toml: desk "sport", key "channels": channel C0ONE is already in desk '
        '"politik"; a channel belongs to at most one desk.',
    ]


def test_missing_and_malformed_secrets_and_urls(tmp_path: Path) -> None:
    no_secret = '[desks.a]\nchannels = ["C0A"]\nwebhook_url = "https://cms.example/a"\n'
    assert _problems(tmp_path, no_secret) == [
        'desks.toml: desk "a", key "webhook_url": needs webhook_secret_env, the environment '
        "variable that holds its secret."
    ]
    bad = '[desks.a]\nchannels = ["C0A"]\nwebhook_url = "https://cms.example/a"\n'
    bad += 'webhook_secret_env = "A_SECRET"\n'
    assert _problems(tmp_path, bad, env={"A_SECRET": "plain"}) == [
        'desks.toml: desk "a", key "webhook_secret_env": the value of A_SECRET must look '
        "like whsec_<base64>."
    ]
    no_url = '[desks.a]\nchannels = ["C0A"]\nwebhook_secret_env = "A_SECRET"\n'
    assert _problems(tmp_path, no_url, env={"A_SECRET": SECRET}) == [
        'desks.toml: desk "a", key "webhook_secret_env": needs webhook_url, the endpoint '
        "the secret signs for."
    ]


def test_file_level_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, "[desks.a\n")[0].startswith("desks.toml: is not valid TOML (")
    assert _problems(tmp_path, "title = 1\n") == [
        "desks.toml: needs at least one desk, written as a [desks.NAME] table.",
        'desks.toml: the top-level key "title" is not known; put desks under [desks.NAME].',
    ]
    assert _problems(tmp_path, "[desks.a]\nbullets = 3\n") == [
        'desks.toml: desk "a", key "channels": is required; must be a list of at least one '
        'Slack channel id, like ["C0123ABC"].'
    ]
    with pytest.raises(DesksError) as caught:
        load_desks(str(tmp_path / "nope.toml"), _default(), {})
    assert caught.value.problems == (
        f"nope.toml: the desks file (DESKS_FILE={tmp_path / 'nope.toml'}) does not exist.",
    )


def test_the_documented_example_file_loads() -> None:
    example = Path(__file__).parents[2] / "docs" / "desks.example.toml"
    desks = load_desks(str(example), _default(), {"POLITIK_WEBHOOK_SECRET": SECRET})
    assert [d.name for d in desks.desks] == ["politik", "sport"]
    assert desks.by_name("politik").instructions.startswith("Name authorities")
    assert desks.for_channel("C0SPORT02").fields == (("headline", 60),)


def test_a_desk_secret_may_sit_in_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLITIK_SECRET", raising=False)
    (tmp_path / ".env").write_text(f"POLITIK_SECRET={SECRET}\n", encoding="utf-8")
    desks = Desks.from_settings(load_settings(desks_file=str(path)))
    secret = desks.by_name("politik").webhook_secret
    assert secret is not None and secret.get_secret_value() == SECRET


def test_desk_editors_may_be_named_for_one_workspace(tmp_path: Path) -> None:
    text = GOOD.replace('editors = ["U01", "U02"]', 'editors = ["U01", "T0NEWS:U02"]')
    desks = _load(tmp_path, text)
    assert [d.name for d in desks.for_editor("U02")] == ["politik"]
    assert desks.channels_for_editor("U02") == frozenset({"C0123ABC", "C0456DEF"})
    problems = _problems(tmp_path, GOOD.replace('["U01", "U02"]', '["U01", "T0NEWS/U02"]'))
    assert len(problems) == 1 and 'desk "politik", key "editors"' in problems[0]


def test_the_desks_file_holds_fetch_credentials_per_host(tmp_path: Path) -> None:
    table = (
        '\n[fetch_credentials]\n"www.zeitung.example" = { header = "Authorization", env = "Z" }\n'
    )
    desks = _load(tmp_path, table + GOOD)
    assert [(c.host, c.header, c.env) for c in desks.credentials] == [
        ("www.zeitung.example", "Authorization", "Z")
    ]
    bad = '\n[fetch_credentials]\n"www.zeitung.example" = { header = "Authorization" }\n'
    problems = _problems(tmp_path, bad + GOOD)
    assert len(problems) == 1
    assert problems[0].startswith("desks.toml [fetch_credentials], key 'www.zeitung.example'")
