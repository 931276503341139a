"""Growth of leverage: volatility drag, growth rates, Kelly and volatility-targeted leverage."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import scalar_array
from riskkit._validation import as_float_array, check_positive, check_range, wrap_like
from riskkit.exceptions import InsufficientDataError
from riskkit.leverage._common import _leverage_list, _series_1d

__all__ = [
    "empirical_kelly_leverage",
    "kelly_leverage",
    "leverage_growth_table",
    "leveraged_growth_rate",
    "vol_target_leverage",
    "volatility_drag",
]


# -------------------------------------------------------------------------------------------
# growth, drag, Kelly
# -------------------------------------------------------------------------------------------


def volatility_drag(volatility: Any, leverage: Any = 1.0) -> Any:
    """Volatility drag of a constant-leverage position, per unit time.

    Parameters
    ----------
    volatility : float or array-like
        :math:`\\sigma`, volatility of the underlying per unit time (e.g. annualised), >= 0.
    leverage : float or array-like
        Constant leverage :math:`L`, > 0. Broadcasts against ``volatility``.

    Returns
    -------
    float or numpy.ndarray
        :math:`L^2\\sigma^2/2`, the gap between the arithmetic and the log growth rate, per unit
        time (fraction).

    Raises
    ------
    ValueError
        If ``volatility < 0`` or ``leverage <= 0``.

    See Also
    --------
    leveraged_growth_rate

    Notes
    -----
    For :math:`dS/S = \\mu\\,dt + \\sigma\\,dW` and constant leverage :math:`L`, equity follows
    :math:`dV/V = L\\mu\\,dt + L\\sigma\\,dW`, so by Itô

    .. math::

        d\\ln V = \\Bigl(L\\mu - \\tfrac12 L^2\\sigma^2\\Bigr)dt + L\\sigma\\,dW,

    so the drag :math:`\\tfrac12 L^2\\sigma^2` grows with :math:`L^2` while the drift grows
    with :math:`L`: at 10x the drag is 100 times the unlevered one, not 10 times.

    References
    ----------
    E. O. Thorp (2006), "The Kelly criterion in blackjack, sports betting and the stock market",
    Handbook of Asset and Liability Management vol. 1, ch. 9, doi:10.1016/S1872-0978(06)01009-X.

    Examples
    --------
    80 % annual volatility at 10x: 100 x 0.64 / 2 = 32 per year in log terms.

    >>> volatility_drag(0.8, 10.0)
    32.0
    """
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility", strict=False)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    return wrap_like(0.5 * L**2 * sig**2, volatility, leverage, name="volatility_drag")


def leveraged_growth_rate(
    drift: Any, volatility: Any, leverage: Any, *, funding_rate: Any = 0.0
) -> Any:
    """Expected log growth rate of a constant-leverage long, per unit time.

    Parameters
    ----------
    drift : float or array-like
        :math:`\\mu`, arithmetic drift of the underlying per unit time (fraction).
    volatility : float or array-like
        :math:`\\sigma` per unit time, >= 0.
    leverage : float or array-like
        Constant leverage :math:`L`, > 0.
    funding_rate : float or array-like
        Funding paid by longs per unit time, fraction of notional. Default 0.

    Returns
    -------
    float or numpy.ndarray
        :math:`g(L) = L(\\mu - f) - L^2\\sigma^2/2` per unit time (continuous compounding).

    Raises
    ------
    ValueError
        If ``volatility < 0`` or ``leverage <= 0``.

    See Also
    --------
    volatility_drag, kelly_leverage

    Notes
    -----
    .. math::

        g(L) = L(\\mu - f) - \\tfrac12 L^2\\sigma^2,

    maximal at the Kelly leverage :math:`L^* = (\\mu - f)/\\sigma^2` and negative beyond
    :math:`2L^*`; :math:`f` is the funding rate.

    Examples
    --------
    Drift 50 %, volatility 70 % a year: 1x grows 0.5 - 0.245 = 0.255 a year in logs, 10x
    shrinks 5 - 24.5 = -19.5.

    >>> float(round(leveraged_growth_rate(0.5, 0.7, 1.0), 6))
    0.255
    >>> float(round(leveraged_growth_rate(0.5, 0.7, 10.0), 6))
    -19.5
    """
    mu = as_float_array(drift, "drift")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility", strict=False)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    f = as_float_array(funding_rate, "funding_rate")
    growth = L * (mu - f) - 0.5 * L**2 * sig**2
    return wrap_like(growth, drift, volatility, leverage, funding_rate, name="growth_rate")


def kelly_leverage(
    drift: Any, volatility: Any, *, funding_rate: Any = 0.0, fraction: Any = 1.0
) -> Any:
    """Kelly (growth-optimal) leverage and fractional Kelly, continuous-time GBM.

    Parameters
    ----------
    drift : float or array-like
        :math:`\\mu`, arithmetic drift of the underlying per unit time (fraction).
    volatility : float or array-like
        :math:`\\sigma` per unit time, > 0.
    funding_rate : float or array-like
        Funding paid by longs per unit time (the financing cost), fraction of notional.
    fraction : float or array-like
        Kelly fraction :math:`c` in (0, 1] (0.5 = half Kelly).

    Returns
    -------
    float or numpy.ndarray
        :math:`c(\\mu - f)/\\sigma^2`; negative means the growth-optimal position is short.

    Raises
    ------
    ValueError
        If ``volatility <= 0`` or ``fraction`` is outside (0, 1].

    See Also
    --------
    empirical_kelly_leverage, leveraged_growth_rate

    Notes
    -----
    Maximising :math:`g(L)` of :func:`leveraged_growth_rate` gives

    .. math::

        L^* = \\frac{\\mu - f}{\\sigma^2},\\qquad g(cL^*) = c\\Bigl(1 - \\frac c2\\Bigr)
        \\frac{(\\mu - f)^2}{\\sigma^2},

    so half Kelly keeps 75 % of the growth with half the volatility.

    References
    ----------
    J. L. Kelly (1956), "A new interpretation of information rate", Bell System Technical
    Journal 35(4), 917-926, doi:10.1002/j.1538-7305.1956.tb03809.x.
    R. C. Merton (1969), "Lifetime portfolio selection under uncertainty", RESTAT 51(3),
    247-257, doi:10.2307/1926560.

    Examples
    --------
    >>> float(round(kelly_leverage(0.5, 0.7), 6))
    1.020408
    >>> float(round(kelly_leverage(0.5, 0.7, funding_rate=0.1, fraction=0.5), 6))
    0.408163
    """
    mu = as_float_array(drift, "drift")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility")
    f = as_float_array(funding_rate, "funding_rate")
    c = check_range(as_float_array(fraction, "fraction"), "fraction", 0.0, 1.0, low_inclusive=False)
    kelly = c * (mu - f) / sig**2
    return wrap_like(kelly, drift, volatility, funding_rate, fraction, name="kelly_leverage")


def empirical_kelly_leverage(
    returns: Any, *, funding_rate: Any = 0.0, fraction: float = 1.0
) -> float:
    """Leverage that maximises the average realised log growth of a rebalanced position.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns per bar (fractions, > -1), at least 2.
    funding_rate : float or array-like
        Funding per bar paid by longs, fraction of notional.
    fraction : float
        Kelly fraction in (0, 1] applied to the optimum.

    Returns
    -------
    float
        ``fraction`` x :math:`\\hat L`, with :math:`\\hat L` restricted to the leverages whose
        equity stays positive on every observed bar (negative: a short).

    Raises
    ------
    InsufficientDataError
        With fewer than 2 returns.
    ValueError
        For returns <= -1, or when every excess return has the same sign (growth unbounded).

    See Also
    --------
    kelly_leverage

    Notes
    -----
    .. math::

        \\hat L = \\arg\\max_L \\frac1n\\sum_{t=1}^n \\ln\\bigl(1 + L(r_t - f_t)\\bigr),

    a strictly concave problem on the open interval where every :math:`1 + L(r_t - f_t) > 0`,
    solved with :func:`scipy.optimize.brentq` on the first-order condition. Unlike the
    Gaussian :math:`\\mu/\\sigma^2` it accounts for the fat left tail: one observed return of
    :math:`-1/L` rules leverage :math:`L` out.

    Examples
    --------
    Symmetric +-10 % bets with a 60 % win rate: the Kelly bet is 2p - 1 = 0.2 of equity per
    10 % move, i.e. leverage 2:

    >>> r = [0.1] * 6 + [-0.1] * 4
    >>> round(empirical_kelly_leverage(r), 6)
    2.0
    """
    from scipy import optimize

    r, _ = _series_1d(returns, "returns")
    if r.size < 2:
        raise InsufficientDataError(f"empirical_kelly_leverage needs >= 2 returns; got {r.size}")
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    c = float(check_range(scalar_array(fraction, "fraction"), "fraction", 0.0, 1.0,
                          low_inclusive=False))  # fmt: skip
    x = r - np.broadcast_to(as_float_array(funding_rate, "funding_rate"), r.shape)
    if (x >= 0).all() or (x <= 0).all():
        raise ValueError(
            "empirical_kelly_leverage needs excess returns of both signs; got all "
            f"{'non-negative' if (x >= 0).all() else 'non-positive'} (growth is unbounded)"
        )
    hi = -1.0 / x.min()  # 1 + L x > 0 for every x < 0
    lo = -1.0 / x.max()

    def score(L: float) -> float:
        return float(np.mean(x / (1.0 + L * x)))

    eps = 1e-12 * (hi - lo)
    return c * float(optimize.brentq(score, lo + eps, hi - eps, xtol=1e-14, rtol=1e-14))


def leverage_growth_table(
    returns: Any, leverage: Any, *, periods_per_year: float = 365.0
) -> pd.DataFrame:
    """Annual log growth of constant leverage: naive, Gaussian formula and realised.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns of the underlying per bar (fractions, > -1), at least 2.
    leverage : float or sequence of float
        Constant leverages :math:`L`, > 0, each rebalanced every bar.
    periods_per_year : float
        Bars per year used to annualise (365 for daily crypto, 8760 for hourly), > 0.

    Returns
    -------
    pandas.DataFrame
        Index ``leverage``; columns, all per year and in log terms (0.5 = equity grows by
        :math:`e^{0.5}` a year):

        * ``linear``: :math:`L\\,\\hat g_1`, leverage times the realised growth of 1x (the naive
          "10x earns ten times" answer);
        * ``gbm``: :math:`L\\hat\\mu - L^2\\hat\\sigma^2/2` from :func:`leveraged_growth_rate`
          with the sample drift and volatility;
        * ``realised``: the realised growth of the position rebalanced every bar, ``-inf`` once
          a bar return of :math:`-1/L` or worse wiped it out;
        * ``final_equity``: equity at the end per unit at the start (0 once wiped out);
        * ``wiped_out``: position (0-based bar) of the first bar that wiped it out, -1 if none.

    Raises
    ------
    ValueError
        For returns <= -1 or not finite, ``leverage <= 0`` or ``periods_per_year <= 0``.
    InsufficientDataError
        With fewer than 2 returns.

    See Also
    --------
    leveraged_growth_rate, volatility_drag, chart_leverage_growth

    Notes
    -----
    With :math:`A` bars per year, :math:`\\hat\\mu = A\\,\\overline{r}` and
    :math:`\\hat\\sigma = \\sqrt{A}\\,\\operatorname{sd}(r)` (ddof 1),

    .. math::

        \\hat g_L = \\frac{A}{n}\\sum_{t=1}^{n}\\ln\\bigl(1 + L r_t\\bigr),\\qquad
        g^{\\mathrm{gbm}}_L = L\\hat\\mu - \\tfrac12 L^2\\hat\\sigma^2,

    and ``linear`` is :math:`L\\hat g_1`. The gap ``linear - realised`` is the volatility drag
    that the naive answer ignores; the gap ``gbm - realised`` is what fat tails add to it.

    Examples
    --------
    Up 10 % then down 10 %, once a year each (A = 2): 1x grows ln(0.99) = -0.01005 over the
    year, 2x ln(0.96) = -0.04082:

    >>> tab = leverage_growth_table([0.1, -0.1], [1.0, 2.0], periods_per_year=2.0)
    >>> tab["realised"].round(5).tolist()
    [-0.01005, -0.04082]
    >>> tab["linear"].round(5).tolist()
    [-0.01005, -0.0201]
    """
    r, _ = _series_1d(returns, "returns")
    if r.size < 2:
        raise InsufficientDataError(f"leverage_growth_table needs >= 2 returns; got {r.size}")
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    levs, _ = _leverage_list(leverage)
    A = float(check_positive(scalar_array(periods_per_year, "periods_per_year"),
                             "periods_per_year"))  # fmt: skip
    mu = A * float(r.mean())
    sig = math.sqrt(A) * float(r.std(ddof=1))
    g1 = A * float(np.mean(np.log1p(r)))
    gross = 1.0 + levs[None, :] * r[:, None]
    dead = gross <= 0.0
    with np.errstate(divide="ignore"):
        logs = np.log(np.where(dead, 0.0, gross))
    realised = A * logs.mean(axis=0)
    final = np.exp(logs.sum(axis=0))
    first = np.where(dead.any(axis=0), dead.argmax(axis=0), -1)
    return pd.DataFrame(
        {
            "linear": levs * g1,
            "gbm": levs * mu - 0.5 * levs**2 * sig**2,
            "realised": realised,
            "final_equity": final,
            "wiped_out": first.astype(np.int64),
        },
        index=pd.Index(levs, name="leverage"),
    )


def vol_target_leverage(
    returns: Any,
    target_volatility: float,
    *,
    window: int = 30,
    periods_per_year: float = 365.0,
    max_leverage: float | None = None,
) -> Any:
    """Volatility-targeted leverage from the trailing realised volatility (no look-ahead).

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Returns per bar (fractions).
    target_volatility : float
        Annualised volatility target of the leveraged position, > 0 (0.4 = 40 % a year).
    window : int
        Bars in the trailing window, >= 2.
    periods_per_year : float
        Bars per year used to annualise (365 for daily crypto, 8760 for hourly), > 0.
    max_leverage : float, optional
        Cap on the leverage, > 0.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Leverage to hold over bar ``t``, using returns up to bar ``t - 1`` only; NaN for the first
        ``window`` bars.

    Raises
    ------
    ValueError
        If ``target_volatility``, ``periods_per_year`` or ``max_leverage`` is not > 0, or
        ``window < 2``.

    See Also
    --------
    kelly_leverage

    Notes
    -----
    .. math::

        L_t = \\min\\Bigl(L_{\\max},\\;
        \\frac{\\sigma^*}{\\hat\\sigma_{t-1}\\sqrt{A}}\\Bigr),\\qquad
        \\hat\\sigma_{t-1} = \\operatorname{sd}(r_{t-w}, \\dots, r_{t-1}),

    with :math:`\\sigma^*` the target, :math:`A` the periods per year, :math:`w` the window
    and :math:`\\operatorname{sd}` the sample standard deviation (ddof 1).

    References
    ----------
    A. Moreira and T. Muir (2017), "Volatility-managed portfolios", Journal of Finance 72(4),
    1611-1644, doi:10.1111/jofi.12513.

    Examples
    --------
    >>> r = [0.01, -0.01] * 3
    >>> vol_target_leverage(r, 0.5, window=2, periods_per_year=365.0).round(4)
    array([   nan,    nan, 1.8505, 1.8505, 1.8505, 1.8505])
    """
    r, index = _series_1d(returns, "returns", allow_nan=True, ordered=True)
    tgt = float(check_positive(scalar_array(target_volatility, "target_volatility"),
                               "target_volatility"))  # fmt: skip
    A = float(check_positive(scalar_array(periods_per_year, "periods_per_year"),
                             "periods_per_year"))  # fmt: skip
    if not isinstance(window, int | np.integer) or isinstance(window, bool):
        raise TypeError(f"window must be an integer; got {type(window).__name__} {window!r}")
    if window < 2:
        raise ValueError(f"window must be >= 2; got {window}")
    sd = pd.Series(r).rolling(window, min_periods=window).std(ddof=1).shift(1).to_numpy()
    with np.errstate(divide="ignore"):
        lev = tgt / (sd * math.sqrt(A))
    if max_leverage is not None:
        cap = float(check_positive(scalar_array(max_leverage, "max_leverage"), "max_leverage"))
        lev = np.minimum(lev, cap)
    if index is not None:
        return pd.Series(lev, index=index, name="leverage")
    return lev
