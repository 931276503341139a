"""Analytic first passage: liquidation of a geometric Brownian motion, in closed form.

:func:`liquidation_probability_gbm` is the probability that a GBM price with drift hits the
liquidation price within a horizon (continuous monitoring), and
:func:`expected_time_to_liquidation_gbm` the expected hitting time (inverse Gaussian).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from riskkit._validation import as_float_array, check_positive, wrap_like
from riskkit.survival._common import _log_barrier, _mmr, _side

__all__ = ["expected_time_to_liquidation_gbm", "liquidation_probability_gbm"]


def liquidation_probability_gbm(
    leverage: Any,
    horizon: Any,
    volatility: Any,
    drift: Any = 0.0,
    *,
    funding_rate: Any = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Probability that a GBM price hits the liquidation price within ``horizon`` (closed form).

    Parameters
    ----------
    leverage : float or array-like
        Notional / margin, > 0. Broadcasts against ``horizon``, ``volatility``, ``drift``.
    horizon : float or array-like
        Holding period, > 0, in the time unit of ``volatility`` and ``drift`` (e.g. years).
    volatility : float or array-like
        :math:`\\sigma`, volatility of log returns per unit time (e.g. annualised), > 0.
    drift : float or array-like
        :math:`\\mu`, expected simple return per unit time (arithmetic drift of
        :math:`dS/S`); default 0.
    funding_rate : float or array-like
        Funding paid by longs per unit time as a fraction of notional (received by shorts);
        enters as a drift :math:`-f` of the price seen by the margin. Default 0.
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1], continuous monitoring.

    Raises
    ------
    ValueError
        If ``leverage``, ``horizon`` or ``volatility`` is not > 0 or an input is not finite.

    See Also
    --------
    expected_time_to_liquidation_gbm, simulate_liquidation, historical_survival

    Notes
    -----
    With :math:`X_t = \\ln(S_t/S_0) = \\nu t + \\sigma W_t`, :math:`\\nu = \\mu - f -
    \\sigma^2/2`, and the long barrier :math:`b = \\ln\\frac{1-1/L}{1-m} < 0`,

    .. math::

        P\\Bigl(\\min_{s\\le T} X_s \\le b\\Bigr) =
        \\Phi\\Bigl(\\frac{b - \\nu T}{\\sigma\\sqrt T}\\Bigr) +
        e^{2\\nu b/\\sigma^2}\\,\\Phi\\Bigl(\\frac{b + \\nu T}{\\sigma\\sqrt T}\\Bigr),

    where :math:`\\Phi` is the standard normal CDF, :math:`T` the horizon, :math:`L` the leverage
    and :math:`m` the maintenance margin rate. A short uses the same formula for :math:`-X` with
    :math:`b = -\\ln\\frac{1+1/L}{1+m}` and drift :math:`-\\nu`. The second term is evaluated in
    log space. A barrier at or above the entry (long with :math:`L \\ge 1/m`) gives 1; a long
    at :math:`L \\le 1` gives 0. Funding as a constant drift is an approximation: on a venue it is
    debited from the isolated margin at discrete times.

    References
    ----------
    S. E. Shreve (2004), *Stochastic Calculus for Finance II: Continuous-Time Models*,
    Springer, ISBN 978-0-387-40101-0, chapter 7 (maximum of Brownian motion with drift).
    J. M. Harrison (1985), *Brownian Motion and Stochastic Flow Systems*, Wiley, chapter 1.

    Examples
    --------
    A 10x long with m = 0 (barrier :math:`b = \\ln 0.9`), zero drift (so :math:`\\nu =
    -\\sigma^2/2 = -0.32`), 80 % annual volatility, 30 days: by hand
    :math:`\\Phi(-0.3447) + e^{0.10536}\\,\\Phi(-0.5741) = 0.3651 + 1.1111 \\times 0.2830`:

    >>> round(liquidation_probability_gbm(10, 30 / 365, 0.8, maintenance_margin_rate=0.0), 4)
    0.6796
    """
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    T = check_positive(as_float_array(horizon, "horizon"), "horizon")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility")
    mu = as_float_array(drift, "drift")
    f = as_float_array(funding_rate, "funding_rate")
    L, T, sig, mu, f = np.broadcast_arrays(L, T, sig, mu, f)
    b = _log_barrier(L, sign, m)
    nu = sign * (mu - f - 0.5 * sig**2)
    sd = sig * np.sqrt(T)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        first = special.ndtr((b - nu * T) / sd)
        log_second = 2.0 * nu * b / sig**2 + special.log_ndtr((b + nu * T) / sd)
        p = first + np.exp(log_second)
    p = np.where(b >= 0, 1.0, np.where(np.isneginf(b), 0.0, p))
    p = np.clip(p, 0.0, 1.0)
    return wrap_like(
        p, leverage, horizon, volatility, drift, funding_rate, name="liquidation_probability"
    )


def expected_time_to_liquidation_gbm(
    leverage: Any,
    volatility: Any,
    drift: Any = 0.0,
    *,
    funding_rate: Any = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Expected first-passage time of a GBM price to the liquidation price.

    Parameters
    ----------
    leverage, volatility, drift, funding_rate, side, maintenance_margin_rate
        As in :func:`liquidation_probability_gbm` (rates per unit time).

    Returns
    -------
    float or numpy.ndarray
        Expected time, in the time unit of ``volatility``; ``inf`` when the log price does not
        drift towards the barrier (it may then never be hit), 0 if the barrier is at or beyond
        the entry.

    Raises
    ------
    ValueError
        If ``leverage`` or ``volatility`` is not > 0.

    See Also
    --------
    liquidation_probability_gbm

    Notes
    -----
    For a drift :math:`\\nu` towards a barrier at log distance :math:`|b|` (symbols as in
    :func:`liquidation_probability_gbm`) the hitting time is inverse Gaussian with

    .. math::

        \\mathbb E[\\tau] = \\frac{|b|}{|\\nu|}.

    With :math:`\\nu = 0` the barrier is hit almost surely but :math:`\\mathbb E[\\tau] = \\infty`.

    References
    ----------
    R. S. Chhikara and J. L. Folks (1989), *The Inverse Gaussian Distribution: Theory,
    Methodology, and Applications*, Marcel Dekker (first-passage time of Brownian motion with
    drift).

    Examples
    --------
    A 10x long (m = 0, barrier ln 0.9) with drift -50 % and volatility 20 % a year, so
    :math:`\\nu = -0.52` and :math:`\\mathbb E[\\tau] = 0.10536 / 0.52` years:

    >>> t = expected_time_to_liquidation_gbm(10, 0.2, -0.5, maintenance_margin_rate=0.0)
    >>> round(t, 4)
    0.2026
    """
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility")
    mu = as_float_array(drift, "drift")
    f = as_float_array(funding_rate, "funding_rate")
    L, sig, mu, f = np.broadcast_arrays(L, sig, mu, f)
    b = _log_barrier(L, sign, m)
    nu = sign * (mu - f - 0.5 * sig**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(nu < 0, b / nu, np.inf)
    t = np.where(b >= 0, 0.0, np.where(np.isneginf(b), np.inf, t))
    return wrap_like(
        t, leverage, volatility, drift, funding_rate, name="expected_time_to_liquidation"
    )
