"""/ecoute export: the round's owner (or an admin) gets CSV and JSON; nobody else does."""

from __future__ import annotations

import csv
import io
import json

from bot.bootstrap import Core
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member
from tests.discord.teams import (
    MANAGE_GUILD,
    button,
    give_verdict,
    open_round,
    private_text,
)

ALICE, BOB, CAROL = 111, 222, 333
EPHEMERAL = 64


def attachments(record_message: dict[str, object]) -> list[str]:
    found = record_message.get("attachments") or []
    assert isinstance(found, list)
    return [a["filename"] for a in found]


async def test_the_owner_exports_csv_and_json_and_others_are_refused(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob = Member(fake, ALICE, "alice"), Member(fake, BOB, "bob")
    admin = Member(fake, CAROL, "carol", permissions=MANAGE_GUILD)
    await give_verdict(core, BOB)
    async with running(core, fake, sweep_every=None):
        none = await alice.slash("export")
        assert private_text(none) == "There is no team round to export in this workspace yet."

        live = await open_round(alice, named=True)
        joined = await bob.click(int(live["id"]), button(live, "j"))
        choice = fake.messages[joined.original or 0]
        await bob.click(int(choice["id"]), button(choice, "u"))
        round_id = int(button(live, "j").rsplit(":", 1)[1])

        sent = await alice.slash("export", round=round_id)
        assert private_text(sent) == "Here are the round’s answers and verdicts, as CSV and JSON."
        message = fake.messages[sent.original or 0]
        assert message["flags"] & EPHEMERAL
        names = [f"team-round-{round_id}.csv", f"team-round-{round_id}.json"]
        assert attachments(message) == names
        csv_file, json_file = fake.uploads[sent.original or 0]
        rows = list(csv.DictReader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
        assert [(r["round_id"], r["participant"], r["taking"]) for r in rows] == [
            (str(round_id), str(BOB), "answered")
        ]
        document = json.loads(json_file.data)
        assert [r["id"] for r in document["rounds"]] == [round_id]

        denied = await bob.slash("export", round=round_id)
        assert private_text(denied) == (
            "Only the person who opened the round, or an admin, can export it."
        )
        assert not fake.uploads.get(denied.original or 0)
        nothing_of_his = await bob.slash("export")
        assert "Only the person who opened the round" in private_text(nothing_of_his)

        await open_round(bob)
        his = await bob.slash("export")  # all of his rounds: the one he opened
        assert attachments(fake.messages[his.original or 0]) == [
            f"team-round-{round_id + 1}.csv",
            f"team-round-{round_id + 1}.json",
        ]
        everything = await admin.slash("export")  # an admin: every round of the server
        assert attachments(fake.messages[everything.original or 0]) == [
            "team-rounds.csv",
            "team-rounds.json",
        ]
        _, both = fake.uploads[everything.original or 0]
        assert [r["id"] for r in json.loads(both.data)["rounds"]] == [round_id + 1, round_id]
        unknown = await alice.slash("export", round=round_id + 5)
        assert "can’t find that team round" in private_text(unknown)
