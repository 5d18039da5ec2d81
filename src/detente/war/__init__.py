"""War and the negotiation window: the rationalist explanations of war as models.

Fearon (1995) bargaining range and optimism, private information and the risk–return trade-off,
Powell (2006) commitment problem and the guarantees that fix it, Putnam (1988) domestic
ratification, battlefield dynamics month by month, the negotiation window and a war-end scenario
tree. Every function is pure NumPy over arrays of Monte Carlo draws; see ``docs/war.md``.
"""
