"""Signals of openness to talks: event store, importers, indicator ladder, credibility.

Modules, in the order data flows: :mod:`~detente.signals.formats` and
:mod:`~detente.signals.importers` (GDELT, ICEWS, POLECAT into the SQLite
:mod:`~detente.signals.store`), :mod:`~detente.signals.ladder` (codes → indicators),
:mod:`~detente.signals.evidence` (analyst YAML), :mod:`~detente.signals.items` (de-duplication,
source weights), :mod:`~detente.signals.credibility` (the posterior) and
:mod:`~detente.signals.assess` (one call from evidence to a JSON record).
"""
