"""Battlefield dynamics: month-by-month stochastic paths of p and of the costs of war.

A's chance of winning follows a random walk on the logit scale, so it stays in (0, 1):

    z_t = z_{t−1} + μ_t + σ·ε_t + Σ_k s_k·1[t = m_k]·o_k,       p_t = 1/(1 + e^{−z_t}),
    μ_t = μ + Σ_k Δμ_k·1[t ≥ m_k]·o_k,

with ε_t ~ N(0, 1) and named shocks k (an offensive, a mobilisation, an aid cut or surge) dated
month m_k that happen on a path with probability π_k (o_k ~ Bernoulli(π_k)), jump z by s_k and
change the drift by Δμ_k from then on. Each side's monthly cost is lognormal around its rate,

    m_{i,t} = r_{i,t}·exp(σ_c·η_{i,t} − σ_c²/2),
    r_{i,t} = max(0, r_i + Σ_k Δr_{ik}·1[t ≥ m_k]·o_k),

its cumulative cost is C_{i,t} = Σ_{s ≤ t} m_{i,s}, and its expected cost of fighting on grows
with war-weariness w_i (seed 000: "the Russian public has grown tired of the war"):

    c_{i,t} = c_i + w_i·C_{i,t}.

Uncertain parameters (``[low, likely, high]``) are drawn once per path from a triangular law, so
the paths carry parameter uncertainty as well as battlefield noise. Randomness comes only from
the ``rng`` passed in, split into independent child streams (``Generator.spawn``): the same seed
gives identical paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.logistic import expit, logit
from detente.scenario.model import Number
from detente.scenario.values import draw_quantity
from detente.scenario.war import BeliefModel, WarModel
from detente.war.bargaining import FloatArray
from detente.war.guarantees import GuarantorDraws, draw_guarantors

Rng = np.random.Generator | int | np.random.SeedSequence | None


def as_generator(rng: Rng) -> np.random.Generator:
    """A NumPy Generator from a Generator, a seed or a SeedSequence (None: fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def draw(number: Number, n: int, rng: np.random.Generator) -> FloatArray:
    """n draws of a scenario number: its value if certain, else triangular(low, likely, high)
    (:func:`detente.scenario.values.draw_quantity`)."""
    return draw_quantity(number.value, n, rng)


@dataclass(frozen=True)
class PathParams:
    """Per-path parameters (arrays of shape (paths,)), drawn from the model's ranges."""

    p0: FloatArray
    optimism_a: FloatArray
    optimism_b: FloatArray
    hot_hand: FloatArray
    cost_a: FloatArray
    cost_b: FloatArray
    weariness_a: FloatArray
    weariness_b: FloatArray
    discount: FloatArray
    guarantee: FloatArray
    guarantors: GuarantorDraws
    regroup_shift: FloatArray
    t_a: FloatArray
    t_b: FloatArray
    defeat_below: FloatArray
    collapse_above: FloatArray
    stalemate_band: FloatArray


def draw_params(model: WarModel, n: int, rng: np.random.Generator) -> PathParams:
    """Draw every uncertain parameter once per path (fixed order, so seeds repeat). The
    guarantee g is the guarantors' under ``guarantee_option`` (``detente.war.guarantees``)."""
    r = model.ratification
    guarantors = draw_guarantors(model, n, rng)
    return PathParams(
        p0=draw(model.p, n, rng), optimism_a=draw(model.optimism_a, n, rng),
        optimism_b=draw(model.optimism_b, n, rng), hot_hand=draw(model.hot_hand, n, rng),
        cost_a=draw(model.cost_a, n, rng), cost_b=draw(model.cost_b, n, rng),
        weariness_a=draw(model.weariness_a, n, rng), weariness_b=draw(model.weariness_b, n, rng),
        discount=draw(model.discount, n, rng), guarantors=guarantors,
        guarantee=guarantors.guarantee(model.guarantee_option),
        regroup_shift=draw(model.regroup_shift, n, rng),
        t_a=draw(r.a.opposition, n, rng) * draw(r.a.audience_cost, n, rng),
        t_b=draw(r.b.opposition, n, rng) * draw(r.b.audience_cost, n, rng),
        defeat_below=draw(model.defeat_below, n, rng),
        collapse_above=draw(model.collapse_above, n, rng),
        stalemate_band=draw(model.stalemate_band, n, rng),
    )


@dataclass(frozen=True)
class Paths:
    """Simulated paths; month-major arrays of shape (months + 1, paths), row 0 is the start.

    ``z``: logit of A's chance; ``p``: A's chance; ``cost_a``/``cost_b``: each side's expected
    cost of fighting on; ``spent_a``/``spent_b``: cumulative costs so far (stake units);
    ``shocks``: (paths, shocks) booleans, whether each shock happened on each path.
    ``belief_z``/``bias_decay`` (learning beliefs only, else None): the sides' common filtered
    estimate of z and the share of the month-0 optimism left (``detente.war.learning``).
    """

    z: FloatArray
    p: FloatArray
    cost_a: FloatArray
    cost_b: FloatArray
    spent_a: FloatArray
    spent_b: FloatArray
    shocks: NDArray[np.bool_]
    params: PathParams
    belief_z: FloatArray | None = None
    bias_decay: FloatArray | None = None

    @property
    def n_paths(self) -> int:
        return int(self.p.shape[1])

    @property
    def months(self) -> int:
        return int(self.p.shape[0] - 1)


def simulate(model: WarModel, months: int, paths: int, rng: Rng) -> Paths:
    """Simulate ``paths`` battlefield paths over ``months`` months (see the module docstring).

    Args:
        model: the validated war model.
        months: months to simulate (≥ 1); shocks dated later are not reached.
        paths: number of Monte Carlo paths (≥ 1).
        rng: a ``numpy.random.Generator`` or a seed; the only source of randomness.

    Example:
        >>> from detente.scenario.war import BeliefModel, WarModel
        >>> m = WarModel(side_a="a", side_b="b", stake="s", horizon=12, p=0.5, cost_a=0.1,
        ...              cost_b=0.1, volatility=0.2)
        >>> s1, s2 = simulate(m, 12, 1000, 7), simulate(m, 12, 1000, 7)
        >>> s1.p.shape, bool((s1.p == s2.p).all())
        ((13, 1000), True)
    """
    if months < 1 or paths < 1:
        from detente.errors import AnalysisError

        raise AnalysisError.one("need at least one month and one path", path="months, paths",
                                value=(months, paths), allowed="integers >= 1")
    g_params, g_field, g_cost, g_shock = as_generator(rng).spawn(4)
    g_signal = g_params.spawn(1)[0]
    n, t_max = paths, months
    prm = draw_params(model, n, g_params)
    drift = draw(model.drift, n, g_params)
    vol = draw(model.volatility, n, g_params)
    rate_a = draw(model.cost_rate_a, n, g_params)
    rate_b = draw(model.cost_rate_b, n, g_params)
    sig_c = draw(model.cost_volatility, n, g_params)
    shocks = [(s, g_shock.random(n) < draw(s.probability, n, g_shock), draw(s.shift, n, g_shock),
               draw(s.drift_change, n, g_shock), draw(s.cost_rate_a_change, n, g_shock),
               draw(s.cost_rate_b_change, n, g_shock)) for s in model.shocks]

    # Month-major (months, paths) arrays: each month is one contiguous row.
    inc = vol * g_field.standard_normal((t_max, n))
    inc += drift
    ra = np.broadcast_to(rate_a, (t_max, n)).copy()
    rb = np.broadcast_to(rate_b, (t_max, n)).copy()
    for s, occurs, shift, d_mu, d_ra, d_rb in shocks:
        if s.month > t_max:
            continue
        row = s.month - 1
        inc[row] += np.where(occurs, shift, 0.0)
        inc[row:] += np.where(occurs, d_mu, 0.0)
        ra[row:] += np.where(occurs, d_ra, 0.0)
        rb[row:] += np.where(occurs, d_rb, 0.0)
    np.maximum(ra, 0.0, out=ra)
    np.maximum(rb, 0.0, out=rb)
    if np.any(sig_c > 0):
        eta = g_cost.standard_normal((2, t_max, n))
        ra *= np.exp(sig_c * eta[0] - 0.5 * sig_c * sig_c)
        rb *= np.exp(sig_c * eta[1] - 0.5 * sig_c * sig_c)
    z = np.empty((t_max + 1, n))
    z[0] = logit(prm.p0)
    np.cumsum(inc, axis=0, out=z[1:])
    z[1:] += z[0]
    spent_a = np.zeros((t_max + 1, n))
    spent_b = np.zeros((t_max + 1, n))
    np.cumsum(ra, axis=0, out=spent_a[1:])
    np.cumsum(rb, axis=0, out=spent_b[1:])
    del inc, ra, rb
    occurred = (np.stack([o for _, o, *_ in shocks], axis=1) if shocks
                else np.zeros((n, 0), dtype=bool))
    cost_a = prm.cost_a + prm.weariness_a * spent_a
    cost_b = prm.cost_b + prm.weariness_b * spent_b
    belief_z = bias_decay = None
    if model.beliefs.model == BeliefModel.learning:
        from detente.war.learning import learn

        belief_z, bias_decay = learn(model, z, drift, vol, g_signal)
    return Paths(z=z, p=expit(z), cost_a=cost_a, cost_b=cost_b, spent_a=spent_a,
                 spent_b=spent_b, shocks=occurred, params=prm, belief_z=belief_z,
                 bias_decay=bias_decay)
