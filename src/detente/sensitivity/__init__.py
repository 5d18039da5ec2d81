"""Which assumption decides the verdict: global sensitivity (Sobol', Morris), tornado swings and
break-even values over a scenario's named uncertain inputs, on any executor.

The package is also the verb ``detente.sensitivity(case, …)`` (:class:`detente.VerbModule`)."""

import sys

from detente import VerbModule
from detente.parallel import open_executor
from detente.sensitivity.analysis import sensitivity
from detente.sensitivity.inputs import Input, InputSpace, deal_inputs
from detente.sensitivity.targets import DealModel

__all__ = ["DealModel", "Input", "InputSpace", "deal_inputs", "open_executor", "sensitivity"]

sys.modules[__name__].__class__ = VerbModule
