"""Team rounds: a channel's colleagues each answer privately, then one report for the team.

:mod:`bot.team.rounds` (the data and the store port), :mod:`bot.team.report` (the pure
report), :mod:`bot.team.view` (its words), :mod:`bot.team.chart` (its picture),
:mod:`bot.team.service` (what adapters call).
"""
