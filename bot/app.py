"""The composition root: settings -> prompts, schema, store -> a service per adapter."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog, Escape, load_catalog
from bot.schema import Schema, load_schema
from bot.service import ConversationService
from bot.settings import Settings
from bot.store import Store


@dataclass(frozen=True)
class Core:
    """What every adapter needs, built once per process."""

    settings: Settings
    schema: Schema
    catalog: Catalog
    store: Store

    def service(self, escape: Escape) -> ConversationService:
        """A conversation service whose replies are escaped for one target (Slack, terminal...)."""
        return ConversationService(self.store, self.schema, self.catalog, escape=escape)

    async def close(self) -> None:
        await self.store.close()


def load_prompts(settings: Settings) -> tuple[Schema, Catalog]:
    """Questions and texts, checked; raises SchemaError/CatalogError naming file and key."""
    from bot.prompts_check import check_prompts

    schema = load_schema()
    catalog = load_catalog(default_lang="en")
    check_prompts(schema, catalog)
    if settings.default_lang in catalog.languages:
        catalog.default_lang = settings.default_lang
    return schema, catalog


async def open_core(settings: Settings) -> Core:
    """Load and check the prompts, open the database and bring its schema up to date."""
    from bot.sql_store import open_store

    schema, catalog = load_prompts(settings)
    store = await open_store(settings.database_url)
    return Core(settings, schema, catalog, store)
