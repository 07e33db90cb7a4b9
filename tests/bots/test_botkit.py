"""The bot API itself: manifests, decorators and their mistakes, action patterns, local time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bots.poll import bot as poll_bot
from hub.botkit import Bot, Context, PersonInfo, localized
from hub.bots.commands import parse_command


def test_the_poll_manifest_is_read() -> None:
    assert poll_bot.name == "poll"
    assert localized(poll_bot.display_name, "zh-CN") == "投票"
    assert localized(poll_bot.display_name, "en") == "Poll"
    assert poll_bot.settings == {"max_options": 10}
    assert poll_bot.migrations is not None and (poll_bot.migrations / "versions").is_dir()
    assert set(poll_bot.commands) == {"poll"}


def test_manifest_mistakes_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="create it"):
        Bot.from_manifest(tmp_path / "manifest.toml")
    (tmp_path / "manifest.toml").write_text('name = "x"\ncolour = "red"\n')
    with pytest.raises(ValueError, match="unknown keys"):
        Bot.from_manifest(tmp_path / "manifest.toml")
    (tmp_path / "manifest.toml").write_text('name = "Not OK"\n')
    with pytest.raises(ValueError, match="lowercase"):
        Bot.from_manifest(tmp_path / "manifest.toml")


def test_a_manifest_declares_the_events_its_bot_emits(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        'name = "approvals"\n'
        '[events."approval.completed"]\n'
        'description = { en = "A request finished", "zh-CN" = "审批结束" }\n'
        'example = { request_id = 42, result = "approved" }\n'
    )
    event = Bot.from_manifest(manifest).emits["approval.completed"]
    assert localized(event.description, "zh-CN") == "审批结束"
    assert event.example == {"request_id": 42, "result": "approved"}
    for wrong, hint in (
        ('[events."Approval Done"]', "dotted lowercase"),
        ('[events."card.action"]', "the hub's own"),
        ('[events."a.b"]\ncolour = 1', "may have `description` and `example`"),
        ('[events."a.b"]\nexample = 3', "`example` is a table"),
    ):
        manifest.write_text(f'name = "approvals"\n{wrong}\n')
        with pytest.raises(ValueError, match=hint):
            Bot.from_manifest(manifest)


async def _noop(ctx: Any) -> None:
    return None


def test_decorator_mistakes_are_refused() -> None:
    bot = Bot("helper")
    bot.command("go")(_noop)
    with pytest.raises(ValueError, match="already taken"):
        bot.command("go")(_noop)
    with pytest.raises(ValueError, match="built in"):
        bot.command("help")
    with pytest.raises(ValueError, match="not valid"):
        bot.command("Go Now")
    with pytest.raises(ValueError, match="Unknown event"):
        bot.on("reaction")  # type: ignore[arg-type]
    bot.timer("nudge")(_noop)
    with pytest.raises(ValueError, match="already registered"):
        bot.timer("nudge")


def test_action_patterns_prefer_the_exact_id() -> None:
    bot = Bot("helper")

    async def exact(ctx: Any) -> None:
        return None

    async def any_vote(ctx: Any) -> None:
        return None

    bot.action("vote_*")(any_vote)
    bot.action("vote_all")(exact)
    assert bot.action_handler("vote_3") is any_vote
    assert bot.action_handler("vote_all") is exact
    assert bot.action_handler("close") is None


def test_commands_split_like_a_shell_with_chinese_quotes() -> None:
    parsed = parse_command("/poll “今天 吃 什么” 面条 '炸 酱面'")
    assert parsed.name == "poll" and parsed.args == ["今天 吃 什么", "面条", "炸 酱面"]
    unclosed = parse_command('/poll "Lunch? A B')
    assert unclosed.args == ['"Lunch?', "A", "B"]


def test_local_time_uses_the_persons_time_zone() -> None:
    def person(zone: str) -> PersonInfo:
        return PersonInfo(
            id=1, username="x", display_name="X", name_en=None, kind="member", org_id=1,
            department_id=None, manager_id=None, title=None, roles=(), locale="en",
            time_zone=zone, email=None, active=True,
        )  # fmt: skip

    ctx = Context(_session=None, person=person("Asia/Shanghai"), channel_id=None, settings={})  # type: ignore[arg-type]
    moment = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    assert ctx.local_time(moment).isoformat() == "2026-11-27T01:30:00+08:00"
    london = ctx.local_time(moment, person("Europe/London"))
    assert london.isoformat() == "2026-11-26T17:30:00+00:00"


def test_app_routes_and_pages_are_declared_or_refused(tmp_path: Path) -> None:
    assert poll_bot.app is not None and poll_bot.app.web is not None
    assert (poll_bot.app.web / "index.js").is_file()
    assert [(r.method, r.path) for r in poll_bot.routes] == [("GET", "/polls")]
    bot = Bot("apps")

    async def handler(ctx: Any) -> None:
        """Do it."""

    bot.route("/items/{item_id:int}", methods=["GET", "POST"])(handler)
    assert [r.method for r in bot.routes] == ["GET", "POST"]
    assert bot.routes[0].summary == "Do it." and bot.routes[0].guests is False
    with pytest.raises(ValueError, match="already a route"):
        bot.route("/items/{item_id:int}")(handler)
    for path in ("items", "/Items", "/a b", "/{x:float}"):
        with pytest.raises(ValueError, match="not valid"):
            bot.route(path)
    with pytest.raises(ValueError, match="methods"):
        bot.route("/x", methods=["TRACE"])
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('name = "paged"\n[app]\ntitle = "Paged"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="index.js"):
        Bot.from_manifest(manifest)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "index.js").write_text("export function mount() {}\n")
    assert Bot.from_manifest(manifest).app is not None
    manifest.write_text('name = "paged"\n[app]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="title"):
        Bot.from_manifest(manifest)
