"""Triangular draws of ``[low, likely, high]`` ranges (DESIGN.md §3): the one sampler the house
uses for uncertain numbers, in the base layer so that a sampling loop (the stakeholder Monte
Carlo of :mod:`detente.forecasts.montecarlo`, the deal tables of :mod:`detente.deals.compile`)
needs neither the scenario model nor pydantic to draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class TriangularSource(Protocol):
    """What a quantity is drawn from: a ``numpy.random.Generator`` or a chunked stream of one
    (:class:`detente.deals.streams.TriangularSegments`)."""

    def triangular(self, left: Any, mode: Any, right: Any,
                   size: Any) -> NDArray[np.float64]: ...


def draw_triangular(low: Any, mode: Any, high: Any, size: int | tuple[int, ...],
                    rng: TriangularSource) -> NDArray[np.float64]:
    """Draws of shape ``size`` from triangular(low, mode, high) (numpy's inverse-CDF sampler,
    one uniform per cell; the bounds broadcast against ``size``) — the one way the house
    samples ``[low, likely, high]`` ranges (DESIGN.md §3). A degenerate cell (low = high) gives
    its mode exactly and still uses its uniform, so which cells are certain does not shift the
    stream of the others (the stakeholder Monte Carlo, :mod:`detente.forecasts.montecarlo`)."""
    import numpy as np

    lo, mo, hi = (np.asarray(v, dtype=np.float64) for v in (low, mode, high))
    width = hi - lo
    if np.all(width > 0):
        return np.asarray(rng.triangular(lo, mo, hi, size=size), dtype=np.float64)
    # numpy refuses left == right: draw those cells on (0, 0, 1) and keep their mode (not on
    # (mode, mode + 1): at 1e30, mode + 1 == mode and numpy refused again)
    flat = width <= 0
    out = rng.triangular(np.where(flat, 0.0, lo), np.where(flat, 0.0, mo),
                         np.where(flat, 1.0, hi), size=size)
    return np.where(flat, mo, out)
