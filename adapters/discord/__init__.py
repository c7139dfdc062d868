"""The Discord adapter: slash commands and ephemeral messages <-> the conversation service."""
