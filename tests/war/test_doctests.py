"""The examples in the war modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["detente.war.bargaining", "detente.war.private_info", "detente.war.commitment",
           "detente.war.ratification", "detente.war.dynamics", "detente.war.sequencing",
           "detente.war.retrospective"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
