"""Installs in many workspaces: the OAuth flow stores a workspace in the database, its events are
answered with its own token, workspaces stay apart, and an uninstall deletes the tokens."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack import values as v
from bot.events import ConversationKey
from tests.slack import slack_requests as rq
from tests.slack.conftest import Harness, oauth_served
from tests.slack.fake_slack import FakeSlack

# slack_sdk 3.48 sends oauth.v2.access with aiohttp's BasicAuth, deprecated in aiohttp 3.14.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

TEAMS = {"T0000002": "xoxb-team-two", "T0000003": "xoxb-team-three"}
USER = "U0000042"  # the same user id in both workspaces (as with Enterprise Grid guests)


@pytest.fixture
async def oauth(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Harness]:
    async with oauth_served(tmp_path / "ecoute.db", fake) as served:
        yield served


def grant(h: Harness, team: str, token: str) -> str:
    """Make the fake Slack accept a code for ``team``; return the code."""
    code = f"code-{team}"
    h.fake.workspace(team, token)
    h.fake.oauth_grants[code] = {
        "ok": True,
        "access_token": token,
        "token_type": "bot",
        "scope": "commands,chat:write",
        "bot_user_id": f"UB{team[1:]}",
        "app_id": rq.APP_ID,
        "team": {"id": team, "name": f"Team {team}"},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": USER},
    }
    return code


async def start_install(h: Harness) -> tuple[str, str]:
    """Open ``/slack/install``: it sends the browser straight to Slack's authorize page.
    Return the state in that URL and the state cookie set with it."""
    url = h.served.url + "/slack/install"
    async with h.session.get(url, allow_redirects=False) as page:
        assert page.status == 302
        found = re.search(r"[?&]state=([^&]+)", page.headers["Location"])
        assert found is not None
        assert page.headers["Location"].startswith("https://slack.com/oauth/v2/authorize?")
        return found.group(1), page.cookies["slack-app-oauth-state"].value


async def install(h: Harness, team: str, token: str) -> None:
    """Click "Add to Slack", then come back from Slack with a code, as a browser would."""
    code = grant(h, team, token)
    state, cookie = await start_install(h)
    redirect = f"{h.served.url}/slack/oauth_redirect?code={code}&state={state}"
    headers = {"Cookie": f"slack-app-oauth-state={cookie}"}
    async with h.session.get(redirect, headers=headers) as done:
        assert done.status == 200, await done.text()


async def test_install_flow_stores_each_workspace_and_uses_its_token(oauth: Harness) -> None:
    fake = oauth.fake
    store = oauth.served.slack.bolt.installation_store
    assert store is not None
    for team, token in TEAMS.items():
        await install(oauth, team, token)
        bot = await store.async_find_bot(enterprise_id=None, team_id=team)
        assert bot is not None
        assert bot.bot_token == token
    exchanged = fake.calls_to("oauth.v2.access")
    assert [c.params["code"] for c in exchanged] == ["code-T0000002", "code-T0000003"]

    two = oauth.user(USER, team="T0000002")
    three = oauth.user(USER, team="T0000003")
    three.dm = two.dm = fake.dm_of(USER)
    await two.command()
    first = await two.next_live()
    assert {c.token for c in fake.calls_to("chat.postMessage")} == {"xoxb-team-two"}
    await two.click(first, v.encode("a", "business_model", "b2b"))
    await two.next_live(after=first["ts"])
    await three.command()
    await fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) >= 3 or None)
    tokens = [c.token for c in fake.calls_to("chat.postMessage")]
    assert tokens == ["xoxb-team-two", "xoxb-team-two", "xoxb-team-three"]

    # Each workspace's data is its own: same user id, two conversations.
    db = oauth.served.core.store
    in_two = await db.load(ConversationKey("slack", "T0000002", USER))
    in_three = await db.load(ConversationKey("slack", "T0000003", USER))
    assert in_two is not None
    assert in_two.answers == {"business_model": "b2b"}
    assert in_three is not None
    assert in_three.answers == {}


async def test_uninstall_deletes_the_workspace_tokens(oauth: Harness) -> None:
    store = oauth.served.slack.bolt.installation_store
    assert store is not None
    await install(oauth, "T0000002", TEAMS["T0000002"])
    await install(oauth, "T0000003", TEAMS["T0000003"])
    gone = rq.event_callback("T0000002", {"type": "app_uninstalled"})
    status, _ = await oauth.http.send("event", gone)
    assert status == 200
    assert await oauth.served.slack.tasks.drain(5)
    assert await store.async_find_bot(enterprise_id=None, team_id="T0000002") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T0000003") is not None
