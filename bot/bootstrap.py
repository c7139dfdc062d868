"""The composition root: settings -> prompts, schema, store -> a service per adapter."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.catalog import Catalog, Escape, load_catalog
from bot.schema import Schema, load_schema
from bot.service import ConversationService
from bot.settings import Settings
from bot.store import Store, StoreUnavailable
from bot.verdict.scoring import Weights

if TYPE_CHECKING:  # the team and follow-up features are imported when an adapter asks for them
    from bot.checkin import CheckinService
    from bot.events import ConversationKey
    from bot.poll import PollService, PollStore
    from bot.schedule import JobStore, Scheduler
    from bot.team.rounds import RoundStore
    from bot.team.service import TeamService
    from bot.verdict.evidence import Evidence

Clock = Callable[[], float]
log = logging.getLogger(__name__)

EVENTS_KEPT_SECONDS = 86_400.0
"""How long a processed platform event id is kept: a day, far past Slack's retries (~5 min)."""


@dataclass(frozen=True)
class Core:
    """What every adapter needs, built once per process."""

    settings: Settings
    schema: Schema
    catalog: Catalog
    weights: Weights
    store: Store
    rounds: RoundStore
    polls: PollStore
    jobs: JobStore
    clock: Clock = time.time
    """What "now" is for deadlines and everything scheduled (tests control it)."""

    def service(self, escape: Escape) -> ConversationService:
        """A conversation service whose replies are escaped for one target (Slack, terminal...);
        verdicts take the user's latest closed poll as evidence."""
        from bot.poll import poll_evidence

        polls = self.polls

        async def evidence(key: ConversationKey) -> Evidence | None:
            return await poll_evidence(polls, key)

        return ConversationService(
            self.store,
            self.schema,
            self.catalog,
            weights=self.weights,
            escape=escape,
            evidence=evidence,
        )

    def scheduler(self) -> Scheduler:
        from bot.schedule import Scheduler

        return Scheduler(self.jobs, clock=self.clock)

    def poll_service(self, service: ConversationService) -> PollService:
        """Listening polls, texts escaped like ``service``'s."""
        from bot.poll import PollService

        return PollService(
            self.polls,
            self.store,
            self.schema,
            self.catalog,
            self.scheduler(),
            escape=service.escape,
            clock=self.clock,
        )

    def checkins(self, service: ConversationService) -> CheckinService:
        from bot.checkin import CheckinService

        return CheckinService(
            self.scheduler(), self.catalog, escape=service.escape, clock=self.clock
        )

    def team(self, service: ConversationService) -> TeamService:
        """Team rounds over ``service``'s conversations (and its escape)."""
        from bot.team.service import TeamService

        return TeamService(self.rounds, service, clock=self.clock)

    async def close(self) -> None:
        await self.store.close()


def load_prompts(settings: Settings) -> tuple[Schema, Catalog, Weights]:
    """Questions, texts and scoring weights, checked together; raises SchemaError/CatalogError
    naming file and key."""
    from bot.prompts_check import check_prompts

    schema = load_schema()
    catalog = load_catalog(default_lang="en")
    weights = check_prompts(schema, catalog)
    if settings.default_lang in catalog.languages:
        catalog.default_lang = settings.default_lang
    return schema, catalog, weights


async def open_core(settings: Settings) -> Core:
    """Load and check the prompts, open the database and bring its schema up to date, then
    drop the processed event ids older than :data:`EVENTS_KEPT_SECONDS`."""
    from bot.storage import open_store

    schema, catalog, weights = load_prompts(settings)
    store = await open_store(settings.database_url)
    try:
        await prune_events(store)
    except BaseException:
        await store.close()
        raise
    return Core(settings, schema, catalog, weights, store, store.rounds, store.polls, store.jobs)


async def prune_events(store: Store) -> None:
    """Housekeeping: a database too busy for it now is no reason not to start."""
    try:
        pruned = await store.prune_events(EVENTS_KEPT_SECONDS)
    except StoreUnavailable as exc:
        log.warning("old event ids not pruned, the next start will: %s", exc)
        return
    if pruned:
        log.info("pruned %d processed event ids older than a day", pruned)
