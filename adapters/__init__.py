"""Translators between chat platforms (terminal, Slack, Discord) and écoute's core."""
