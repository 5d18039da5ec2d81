"""detente.cli.heap: freed memory kept for reuse changes no result (glibc only)."""

from __future__ import annotations

import platform

import numpy as np

from detente.cli.heap import keep_freed_memory
from detente.forecasts.eum import EUMOptions, run_eum


def test_keep_freed_memory_changes_no_number():
    rng = np.random.default_rng(5)
    x, c, s = rng.uniform(0, 100, (300, 9)), rng.uniform(1, 9, (300, 9)), rng.random((300, 9))
    before = run_eum(x, c, s, EUMOptions())
    done = keep_freed_memory()
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert done
    after = run_eum(x, c, s, EUMOptions())
    for key in before:
        np.testing.assert_array_equal(before[key], after[key])
