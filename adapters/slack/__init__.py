"""Slack adapter: écoute's interview in a workspace, through Bolt for Python (AsyncApp).

Translates Slack payloads into core events and core replies into Block Kit; it holds no
interview logic. Entry points: :func:`adapters.slack.cli.main` (``ecoute slack ...``) and
:func:`adapters.slack.runner.run` (``ecoute run``).
"""
