"""Peace agreements as data: PA-X and UCDP PAD base rates, renewed war, priors.

``compliance_prior(actor, kind)`` (issue 15's commitment model) and ``guarantee_effect()``
(the war model's guarantee) are the two priors other models consume; see docs/agreements.md.
Nothing happens at import time.
"""

from __future__ import annotations

__all__ = ["compliance_prior"]


def __getattr__(name: str) -> object:  # lazy: importing the package reads nothing
    if name == "compliance_prior":
        from detente.agreements.priors import compliance_prior

        return compliance_prior
    raise AttributeError(name)
