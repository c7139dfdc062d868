"""Installs in many workspaces: ``/slack/install`` goes straight to Slack, and the pages a person
sees when coming back (installed, cancelled, link expired or replayed, cookie missing, code
refused) are écoute's own, in the browser's language, never Bolt's developer pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.slack.conftest import Harness, oauth_served
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_oauth import TEAMS, USER, grant, start_install

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

TEAM = "T0000002"
LANGUAGES = {"en": "en-US,en;q=0.9", "fr": "fr-FR,fr;q=0.9,en;q=0.8"}
BOLT_TEXT = ("Oops", "reason: invalid_browser", "Something Went Wrong", "Slack App Installation")


@pytest.fixture
async def oauth(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Harness]:
    async with oauth_served(tmp_path / "ecoute.db", fake) as served:
        yield served


async def come_back(h: Harness, lang: str, query: str, cookie: str | None) -> tuple[int, str, str]:
    """Come back from Slack to ``/slack/oauth_redirect?<query>``: status, content type, page."""
    headers = {"Accept-Language": LANGUAGES[lang]}
    if cookie is not None:
        headers["Cookie"] = f"slack-app-oauth-state={cookie}"
    url = f"{h.served.url}/slack/oauth_redirect?{query}"
    async with h.session.get(url, headers=headers, allow_redirects=False) as page:
        return page.status, page.headers["Content-Type"], await page.text()


def assert_ecoute_page(page: str, content_type: str, lang: str, *texts: str) -> None:
    # Bolt's aiohttp adapter drops "; charset=utf-8" from the header: the page declares it.
    assert content_type.startswith("text/html")
    assert page.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">')
    for text in texts:
        assert text in page, (text, page)
    for bolt in BOLT_TEXT:
        assert bolt not in page, (bolt, page)


async def test_install_goes_straight_to_slack(oauth: Harness) -> None:
    state, cookie = await start_install(oauth)
    assert state
    assert cookie


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("en", ["écoute is installed in Team &lt;T0000002&gt; &amp; co:", "<code>/ecoute</code>"]),
        ("fr", ["écoute est installée dans Team &lt;T0000002&gt; &amp; co :", "tapez <code>"]),
    ],
)
async def test_success_page_and_the_workspace_works(
    oauth: Harness, lang: str, texts: list[str]
) -> None:
    code = grant(oauth, TEAM, TEAMS[TEAM])
    oauth.fake.oauth_grants[code]["team"]["name"] = "Team <T0000002> & co"
    state, cookie = await start_install(oauth)
    status, kind, page = await come_back(oauth, lang, f"code={code}&state={state}", cookie)
    assert status == 200, page
    assert_ecoute_page(page, kind, lang, *texts)
    assert "<T0000002>" not in page  # the workspace name is escaped

    store = oauth.served.slack.bolt.installation_store
    assert store is not None
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM)
    assert bot is not None
    assert bot.bot_token == TEAMS[TEAM]
    user = oauth.user(USER, team=TEAM)
    user.dm = oauth.fake.dm_of(USER)
    await user.command()
    await user.next_live()
    assert {c.token for c in oauth.fake.calls_to("chat.postMessage")} == {TEAMS[TEAM]}


CANCELLED = {
    "en": ["You cancelled the install: nothing was added.", 'href="/slack/install"'],
    "fr": ["Vous avez annulé l’installation : rien n’a été ajouté.", 'href="/slack/install"'],
}
EXPIRED = {
    "en": ["This install link has expired or was already used: start again from"],
    "fr": ["Ce lien d’installation a expiré ou a déjà servi : recommencez depuis"],
}
OTHER_BROWSER = {
    "en": ["This install was started in another browser", 'href="/slack/install"'],
    "fr": ["Cette installation a commencé dans un autre navigateur", 'href="/slack/install"'],
}
REFUSED = {
    "en": ["Slack refused the install (invalid_code): try again from", 'href="/slack/install"'],
    "fr": ["Slack a refusé l’installation (invalid_code) : réessayez depuis"],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_cancel_says_nothing_was_added(oauth: Harness, lang: str) -> None:
    state, cookie = await start_install(oauth)
    status, kind, page = await come_back(oauth, lang, f"error=access_denied&state={state}", cookie)
    assert status == 200
    assert_ecoute_page(page, kind, lang, *CANCELLED[lang])


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_replayed_link_has_expired(oauth: Harness, lang: str) -> None:
    code = grant(oauth, TEAM, TEAMS[TEAM])
    state, cookie = await start_install(oauth)
    query = f"code={code}&state={state}"
    first, _, _ = await come_back(oauth, lang, query, cookie)
    assert first == 200
    status, kind, page = await come_back(oauth, lang, query, cookie)
    assert status == 401
    assert_ecoute_page(page, kind, lang, *EXPIRED[lang])


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_missing_cookie_says_start_again_in_this_browser(oauth: Harness, lang: str) -> None:
    code = grant(oauth, TEAM, TEAMS[TEAM])
    state, _ = await start_install(oauth)
    status, kind, page = await come_back(oauth, lang, f"code={code}&state={state}", None)
    assert status == 400
    assert_ecoute_page(page, kind, lang, *OTHER_BROWSER[lang])
    store = oauth.served.slack.bolt.installation_store
    assert store is not None
    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM) is None


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_code_slack_refuses_names_the_reason(oauth: Harness, lang: str) -> None:
    state, cookie = await start_install(oauth)
    status, kind, page = await come_back(oauth, lang, f"code=never-granted&state={state}", cookie)
    assert status == 401
    assert_ecoute_page(page, kind, lang, *REFUSED[lang])


async def test_a_reason_from_the_query_is_escaped(oauth: Harness) -> None:
    state, cookie = await start_install(oauth)
    query = f"error=%3Cscript%3Ex%3C/script%3E&state={state}"
    status, kind, page = await come_back(oauth, "en", query, cookie)
    assert status == 200
    assert_ecoute_page(page, kind, "en", "Slack refused the install (&lt;script&gt;")
    assert "<script>" not in page
