"""From article to draft scenario: actors, positions, proposals and signals, every item quoted.

``RuleExtractor`` (offline, spaCy rules) and ``LLMExtractor`` (optional, an endpoint the user
configures) fill one schema (:mod:`detente.extract.schema`); :mod:`detente.extract.evaluate`
scores either against gold annotations.
"""

import sys

from detente import VerbModule

# The package is also the verb ``detente.extract(files, …)`` (:class:`detente.VerbModule`).
sys.modules[__name__].__class__ = VerbModule
