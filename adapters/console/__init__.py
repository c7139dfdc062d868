"""The terminal chat: numbered choices, typed answers, and a few commands."""
