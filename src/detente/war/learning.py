"""Beliefs that learn: each side estimates the latent balance of power from battlefield outcomes.

The information-revelation account of war termination (Fearon 1995, §3; Slantchev, "The
Principle of Convergence in Wartime Negotiations", APSR 97(4), 2003; Smith & Stam, "Bargaining
and the Nature of War", JCR 48(6), 2004): fighting reveals the balance of power, so beliefs that
start apart converge and mutual optimism shrinks as the war goes on.

The latent balance is the logit z_t of A's chance (``detente.war.dynamics``: a random walk with
drift μ and monthly volatility σ). Each month both sides observe the same battlefield outcome,
a noisy signal of it,

    y_t = z_t + ε_t,      ε_t ~ N(0, s²)          (s = ``beliefs.signal_noise``),

and update a Gaussian belief N(m_{i,t}, v_t) by the Kalman filter (the exact Bayesian update for
a Gaussian random walk observed with Gaussian noise; Kalman 1960):

    predict:  m ← m + μ,   v ← v + σ²;
    update:   K_t = v / (v + s²),   m ← m + K_t (y_t − m),   v ← (1 − K_t) v.

Side i starts from a biased prior, m_{i,0} = z_0 + b_i with b_A = +optimism_a and
b_B = −optimism_b, and v_0 = ``beliefs.prior_sd``². Both sides see the same y_t with the same
gain, so m_{i,t} = m̄_t + b_i·Π_{s ≤ t}(1 − K_s), with m̄_t the filter started at z_0: the gap
between the sides, their mutual optimism, decays by the factor (1 − K_t) every month of fighting.
This module returns m̄ and that factor; ``detente.war.window.beliefs`` adds each side's bias and
the hot-hand momentum (on m̄) to give p_A and p_B. Vectorised over paths; one pass over months.
"""

from __future__ import annotations

import numpy as np

from detente.scenario.war import WarModel
from detente.war.bargaining import FloatArray


def kalman_gains(prior_var: FloatArray, volatility: FloatArray, noise: FloatArray,
                 months: int) -> FloatArray:
    """Gains K_1..K_T of the filter (shape (months, paths)); deterministic given the
    variances (the Riccati recursion does not depend on the signals)."""
    v = np.asarray(prior_var, dtype=np.float64).copy()
    s2 = np.asarray(noise, dtype=np.float64) ** 2
    q = np.asarray(volatility, dtype=np.float64) ** 2
    gains = np.empty((months, v.shape[0]))
    for t in range(months):
        v += q
        k = v / (v + s2)
        gains[t] = k
        v *= 1.0 - k
    return gains


def learn(model: WarModel, z: FloatArray, drift: FloatArray, volatility: FloatArray,
          rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """The common filtered estimate m̄_t and the optimism left Π(1 − K_s), both of shape
    (months + 1, paths), for the true paths ``z`` (module docstring). The per-path signal
    noise and prior spread are drawn from ``model.beliefs`` with ``rng``."""
    from detente.war.dynamics import draw

    t_max, n = z.shape[0] - 1, z.shape[1]
    noise = draw(model.beliefs.signal_noise, n, rng)
    prior = draw(model.beliefs.prior_sd, n, rng)
    gains = kalman_gains(prior * prior, volatility, noise, t_max)
    y = rng.standard_normal((t_max, n))
    y *= noise
    y += z[1:]
    m = np.empty_like(z)
    decay = np.empty_like(z)
    m[0] = z[0]
    decay[0] = 1.0
    for t in range(1, t_max + 1):
        k = gains[t - 1]
        prev = m[t - 1] + drift
        m[t] = prev + k * (y[t - 1] - prev)
        decay[t] = decay[t - 1] * (1.0 - k)
    return m, decay
