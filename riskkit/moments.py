"""Higher moments of returns and the Cornish-Fisher quantile expansion.

Skewness and excess kurtosis (full sample or on rolling windows, at the frequency of the data or
after aggregating log returns to a coarser ``freq``), and the fourth-order Cornish-Fisher
expansion that turns them into quantiles and tail means of a standardised distribution. The
expansion is only a valid quantile function inside a domain of (skewness, excess kurtosis); the
functions here test membership and warn outside it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from riskkit._errors import check_mapping
from riskkit._validation import as_float_array, check_range, check_time_index, index_of, wrap_like
from riskkit.exceptions import InsufficientDataError, RiskkitWarning

__all__ = [
    "CornishFisherDomainWarning",
    "cornish_fisher_is_monotone",
    "cornish_fisher_quantile",
    "cornish_fisher_tail_mean",
    "excess_kurtosis",
    "moment_table",
    "rolling_excess_kurtosis",
    "rolling_moments_summary",
    "rolling_skewness",
    "share_outside_cornish_fisher_domain",
    "skewness",
    "tail_table",
]


class CornishFisherDomainWarning(RiskkitWarning):
    """The Cornish-Fisher expansion is not monotone for these skewness and kurtosis values."""


def _sample(returns: Any, name: str, need: int, what: str) -> np.ndarray:
    x = as_float_array(returns, name)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {x.shape}")
    if x.size < need:
        raise InsufficientDataError(
            f"{what} needs at least {need} observations of {name}; got {x.size}"
        )
    return x


def skewness(returns: Any, *, bias: bool = False) -> float:
    """Sample skewness of returns.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Returns (fractions per period), one-dimensional, finite, at least 3 values.
    bias : bool, default False
        False gives the adjusted Fisher-Pearson estimator :math:`G_1` (as
        ``scipy.stats.skew(bias=False)`` and ``pandas.Series.skew``); True gives :math:`g_1`.

    Returns
    -------
    float
        Skewness (dimensionless).

    Raises
    ------
    InsufficientDataError
        Fewer than 3 observations.

    See Also
    --------
    excess_kurtosis, rolling_skewness

    Notes
    -----
    .. math::

       g_1 = \\frac{m_3}{m_2^{3/2}}, \\qquad G_1 = g_1 \\frac{\\sqrt{n(n-1)}}{n-2},

    with :math:`m_k = n^{-1}\\sum_i (x_i-\\bar x)^k` the central sample moments and :math:`n`
    the number of observations.

    References
    ----------
    Joanes, D. N. and Gill, C. A. (1998). Comparing measures of sample skewness and kurtosis.
    *The Statistician* 47(1), 183-189. https://doi.org/10.1111/1467-9884.00122

    Examples
    --------
    >>> round(skewness([0.0, 0.0, 0.0, 1.0]), 4)
    2.0
    """
    x = _sample(returns, "returns", 3, "skewness")
    return float(stats.skew(x, bias=bias))


def excess_kurtosis(returns: Any, *, bias: bool = False) -> float:
    """Sample excess kurtosis (kurtosis minus 3) of returns.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Returns (fractions per period), one-dimensional, finite, at least 4 values.
    bias : bool, default False
        False gives the unbiased-under-normality estimator :math:`G_2` (as
        ``scipy.stats.kurtosis(bias=False)`` and ``pandas.Series.kurt``); True gives :math:`g_2`.

    Returns
    -------
    float
        Excess kurtosis (dimensionless; 0 for a normal distribution).

    Raises
    ------
    InsufficientDataError
        Fewer than 4 observations.

    See Also
    --------
    skewness, rolling_excess_kurtosis

    Notes
    -----
    .. math::

       g_2 = \\frac{m_4}{m_2^{2}} - 3, \\qquad
       G_2 = \\frac{n-1}{(n-2)(n-3)}\\left[(n+1) g_2 + 6\\right],

    with :math:`m_k` the central sample moments and :math:`n` the number of observations.

    References
    ----------
    Joanes, D. N. and Gill, C. A. (1998). https://doi.org/10.1111/1467-9884.00122

    Examples
    --------
    >>> round(excess_kurtosis([-1.0, 1.0, -1.0, 1.0], bias=True), 4)
    -2.0
    """
    x = _sample(returns, "returns", 4, "excess kurtosis")
    return float(stats.kurtosis(x, fisher=True, bias=bias))


def _aggregate(returns: pd.Series, freq: str | None) -> pd.Series:
    if freq is None:
        return returns
    if not isinstance(returns.index, pd.DatetimeIndex):
        raise TypeError(
            "returns must have a DatetimeIndex when freq is given; "
            f"got {type(returns.index).__name__}"
        )
    # Log returns add over time; empty bins (gaps) are dropped, not counted as zero returns.
    out = returns.resample(freq).sum(min_count=1).dropna()
    out.name = returns.name
    return out


def _rolling_prepare(
    returns: Any, window: int | str, min_periods: int | None, freq: str | None, need: int
) -> tuple[Any, pd.Series, int]:
    if not isinstance(returns, pd.Series):
        returns = pd.Series(as_float_array(returns, "returns"))
    else:
        check_time_index(returns, "returns")
        as_float_array(returns, "returns", allow_nan=True)
        returns = returns.astype(np.float64)
    series = _aggregate(returns, freq)
    if isinstance(window, bool) or not isinstance(window, int | str):
        raise TypeError(f"window must be an int or an offset string; got {window!r}")
    if isinstance(window, int):
        if window < need:
            raise ValueError(f"window must be >= {need}; got {window}")
        mp = window if min_periods is None else min_periods
    else:
        if not isinstance(series.index, pd.DatetimeIndex):
            raise TypeError("an offset-string window needs returns with a DatetimeIndex")
        mp = need if min_periods is None else min_periods
    if mp < need:
        raise ValueError(f"min_periods must be >= {need}; got {mp}")
    if series.notna().sum() < mp:
        raise InsufficientDataError(
            f"rolling moments need at least min_periods={mp} observations; "
            f"got {int(series.notna().sum())}"
        )
    return series.rolling(window, min_periods=mp), series, mp


def rolling_skewness(
    returns: Any,
    window: int | str,
    *,
    min_periods: int | None = None,
    freq: str | None = None,
    bias: bool = False,
) -> pd.Series:
    """Skewness of returns on a rolling window.

    Parameters
    ----------
    returns : pandas.Series or array_like
        Returns, one per period. When ``freq`` is given they must be **log** returns on a
        DatetimeIndex, because they are summed within each ``freq`` bin.
    window : int or str
        Number of observations (>= 3), or a pandas offset such as ``"30D"`` (needs a
        DatetimeIndex).
    min_periods : int, optional
        Minimum observations in a window (>= 3); default ``window`` for an int window, else 3.
    freq : str, optional
        Pandas frequency (``"D"``, ``"W"``, ``"8h"``...) to aggregate log returns to before
        rolling. None keeps the frequency of the data.
    bias : bool, default False
        False: adjusted estimator :math:`G_1` (pandas' rolling skew); True: :math:`g_1`.

    Returns
    -------
    pandas.Series
        Rolling skewness, labelled at each window's last observation, on the (aggregated) index.

    Raises
    ------
    InsufficientDataError
        Fewer than ``min_periods`` observations.
    ValueError, TypeError
        Bad window, min_periods, or a ``freq`` without a DatetimeIndex.

    See Also
    --------
    skewness, rolling_excess_kurtosis

    Notes
    -----
    Computed in :math:`O(n)` from running power sums. With :math:`n_t` observations in the
    window ending at :math:`t`,

    .. math::

       g_{1,t} = G_{1,t}\\,\\frac{n_t-2}{\\sqrt{n_t(n_t-1)}} .

    References
    ----------
    Joanes, D. N. and Gill, C. A. (1998). https://doi.org/10.1111/1467-9884.00122

    Examples
    --------
    >>> s = rolling_skewness([0.0, 0.0, 0.0, 1.0, 0.0], window=4)
    >>> [round(v, 4) for v in s.dropna()]
    [2.0, 2.0]
    """
    roll, series, _ = _rolling_prepare(returns, window, min_periods, freq, 3)
    out = roll.skew()
    if bias:
        n = roll.count()
        out = out * (n - 2) / np.sqrt(n * (n - 1))
    out.name = series.name
    return out


def rolling_excess_kurtosis(
    returns: Any,
    window: int | str,
    *,
    min_periods: int | None = None,
    freq: str | None = None,
    bias: bool = False,
) -> pd.Series:
    """Excess kurtosis of returns on a rolling window.

    Parameters
    ----------
    returns : pandas.Series or array_like
        Returns, one per period (log returns if ``freq`` is given).
    window : int or str
        Number of observations (>= 4), or a pandas offset such as ``"30D"``.
    min_periods : int, optional
        Minimum observations in a window (>= 4); default ``window`` for an int window, else 4.
    freq : str, optional
        Pandas frequency to aggregate log returns to before rolling.
    bias : bool, default False
        False: :math:`G_2` (pandas' rolling kurt); True: :math:`g_2`.

    Returns
    -------
    pandas.Series
        Rolling excess kurtosis (0 for normal data).

    Raises
    ------
    InsufficientDataError
        Fewer than ``min_periods`` observations.
    ValueError, TypeError
        Bad window, min_periods or freq.

    See Also
    --------
    excess_kurtosis, rolling_skewness

    Notes
    -----
    Computed in :math:`O(n)` from running power sums; with :math:`n_t` in the window,

    .. math::

       g_{2,t} = \\frac{(n_t-2)(n_t-3)}{(n_t+1)(n_t-1)} G_{2,t} - \\frac{6}{n_t+1}.

    References
    ----------
    Joanes, D. N. and Gill, C. A. (1998). https://doi.org/10.1111/1467-9884.00122

    Examples
    --------
    >>> k = rolling_excess_kurtosis([-1.0, 1.0, -1.0, 1.0, -1.0], window=4, bias=True)
    >>> [round(v, 4) for v in k.dropna()]
    [-2.0, -2.0]
    """
    roll, series, _ = _rolling_prepare(returns, window, min_periods, freq, 4)
    out = roll.kurt()
    if bias:
        n = roll.count()
        out = (n - 2) * (n - 3) / ((n + 1) * (n - 1)) * out - 6.0 / (n + 1)
    out.name = series.name
    return out


def _cf_coefficients(
    s: np.ndarray, k: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # y = a z^3 + b z^2 + c z + d  (expanded Cornish-Fisher polynomial)
    a = k / 24.0 - s**2 / 18.0
    b = s / 6.0
    c = 1.0 - k / 8.0 + 5.0 * s**2 / 36.0
    d = -s / 6.0
    return a, b, c, d


def cornish_fisher_is_monotone(skewness: Any, excess_kurtosis: Any) -> Any:
    """Whether the Cornish-Fisher expansion is an increasing (hence valid) quantile function.

    Parameters
    ----------
    skewness : float or array_like
        Skewness parameter :math:`s` (dimensionless).
    excess_kurtosis : float or array_like
        Excess kurtosis parameter :math:`k` (dimensionless), broadcast against ``skewness``.

    Returns
    -------
    bool or numpy.ndarray of bool
        True inside the validity domain.

    See Also
    --------
    cornish_fisher_quantile

    Notes
    -----
    Writing the expansion as :math:`y(z) = a z^3 + b z^2 + c z + d` with
    :math:`a = k/24 - s^2/18`, :math:`b = s/6`, :math:`c = 1 - k/8 + 5 s^2/36`,
    :math:`d = -s/6`, it is increasing on the whole real line iff :math:`y'(z) = 3a z^2 + 2bz + c
    \\ge 0` for all :math:`z`, i.e. (apart from the normal point :math:`s = k = 0`)

    .. math::

       a > 0 \\quad\\text{and}\\quad b^2 \\le 3ac
       \\iff \\frac{s^2}{9} \\le 4\\left(\\frac{k}{8} - \\frac{s^2}{6}\\right)
       \\left(1 - \\frac{k}{8} + \\frac{5 s^2}{36}\\right).

    For :math:`s = 0` this is :math:`0 \\le k \\le 8`; larger :math:`|s|` needs larger
    :math:`k` (e.g. :math:`s = 2` needs :math:`k` near 9). Derived by hand; Maillard (2012)
    discusses this domain and why :math:`s, k` inside it are parameters, not the moments of
    the resulting distribution.

    References
    ----------
    Maillard, D. (2012). A user's guide to the Cornish Fisher expansion. SSRN 1997178.
    https://doi.org/10.2139/ssrn.1997178

    Examples
    --------
    >>> bool(cornish_fisher_is_monotone(0.0, 3.0)), bool(cornish_fisher_is_monotone(0.0, 9.0))
    (True, False)
    """
    s = as_float_array(skewness, "skewness")
    k = as_float_array(excess_kurtosis, "excess_kurtosis")
    a, b, c, _ = _cf_coefficients(s, k)
    normal = (s == 0.0) & (k == 0.0)
    ok = ((a > 0.0) & (b**2 <= 3.0 * a * c + 1e-15)) | normal
    if ok.ndim == 0:
        return bool(ok)
    idx = index_of(skewness, excess_kurtosis)
    if idx is not None and ok.ndim == 1 and len(idx) == ok.shape[0]:
        return pd.Series(ok, index=idx, name="monotone")
    return ok


def _check_cf(q: Any, skewness: Any, excess_kurtosis: Any, stacklevel: int) -> tuple[Any, ...]:
    qa = check_range(as_float_array(q, "q"), "q", 0.0, 1.0, low_inclusive=False,
                     high_inclusive=False)  # fmt: skip
    s = as_float_array(skewness, "skewness")
    k = as_float_array(excess_kurtosis, "excess_kurtosis")
    mono = np.asarray(cornish_fisher_is_monotone(s, k))
    if not mono.all():
        bad_s = np.broadcast_to(s, mono.shape)[~mono].ravel()[0]
        bad_k = np.broadcast_to(k, mono.shape)[~mono].ravel()[0]
        warnings.warn(
            f"Cornish-Fisher expansion is not monotone for skewness={bad_s:g}, "
            f"excess_kurtosis={bad_k:g}: quantiles may be non-monotone in q. Use a historical "
            "or filtered method, or moments inside the domain (see cornish_fisher_is_monotone).",
            CornishFisherDomainWarning,
            stacklevel=stacklevel,
        )
    return qa, s, k


def cornish_fisher_quantile(q: Any, skewness: Any, excess_kurtosis: Any) -> Any:
    """Standardised quantile from the fourth-order Cornish-Fisher expansion.

    Parameters
    ----------
    q : float or array_like
        Probability level(s) in (0, 1), e.g. 0.01 for the 1% lower quantile.
    skewness : float or array_like
        Skewness parameter :math:`s` (dimensionless).
    excess_kurtosis : float or array_like
        Excess kurtosis parameter :math:`k` (dimensionless, 0 for normal).

    Returns
    -------
    float or numpy.ndarray
        :math:`y_q`, the quantile of a zero-mean unit-variance variable (multiply by the
        standard deviation and add the mean to get a return quantile). Broadcast over inputs.

    Raises
    ------
    ValueError
        ``q`` outside (0, 1) or non-finite inputs.

    Warns
    -----
    CornishFisherDomainWarning
        When (s, k) is outside the domain where the expansion is monotone.

    See Also
    --------
    cornish_fisher_is_monotone, cornish_fisher_tail_mean

    Notes
    -----
    With :math:`z = \\Phi^{-1}(q)` the standard normal quantile,

    .. math::

       y_q = z + \\frac{(z^2-1)s}{6} + \\frac{(z^3-3z)k}{24} - \\frac{(2z^3-5z)s^2}{36}.

    Validity domain: the map :math:`z \\mapsto y` must be increasing (see
    :func:`cornish_fisher_is_monotone`); outside it, :math:`y_q` is not a quantile function.
    Inside it, :math:`s` and :math:`k` are *parameters*: the skewness and kurtosis of the
    resulting distribution differ from them once they are not small (Maillard 2012), so the
    expansion is an approximation that is accurate for moderate skewness and kurtosis only.

    References
    ----------
    Cornish, E. A. and Fisher, R. A. (1938). Moments and cumulants in the specification of
    distributions. *Revue de l'Institut International de Statistique* 5(4), 307-320.
    https://doi.org/10.2307/1400905
    Maillard, D. (2012). https://doi.org/10.2139/ssrn.1997178

    Examples
    --------
    >>> round(cornish_fisher_quantile(0.05, 0.0, 0.0), 4)  # the normal quantile
    -1.6449
    >>> round(cornish_fisher_quantile(0.05, -1.0, 3.0), 4)
    -1.8498
    """
    qa, s, k = _check_cf(q, skewness, excess_kurtosis, 3)
    z = special.ndtri(qa)
    a, b, c, d = _cf_coefficients(s, k)
    out = ((a * z + b) * z + c) * z + d
    return wrap_like(out, q, skewness, excess_kurtosis, name="quantile")


def cornish_fisher_tail_mean(q: Any, skewness: Any, excess_kurtosis: Any) -> Any:
    """Mean of the Cornish-Fisher variable below its ``q`` quantile (standardised units).

    Parameters
    ----------
    q : float or array_like
        Tail probability in (0, 1), e.g. 0.01.
    skewness : float or array_like
        Skewness parameter :math:`s`.
    excess_kurtosis : float or array_like
        Excess kurtosis parameter :math:`k`.

    Returns
    -------
    float or numpy.ndarray
        :math:`E[Y \\mid Y \\le y_q]` for :math:`Y = y(Z)`, :math:`Z` standard normal; always
        <= :func:`cornish_fisher_quantile` inside the validity domain.

    Raises
    ------
    ValueError
        ``q`` outside (0, 1).

    Warns
    -----
    CornishFisherDomainWarning
        Outside the monotone domain (the tail event is then not :math:`Z \\le z_q`).

    See Also
    --------
    cornish_fisher_quantile

    Notes
    -----
    For monotone :math:`y(z) = az^3+bz^2+cz+d`, :math:`\\{Y \\le y_q\\} = \\{Z \\le z\\}`, so

    .. math::

       E[Y\\mid Y\\le y_q] = \\frac{a M_3 + b M_2 + c M_1 + d M_0}{q},\\quad
       M_0 = q,\\ M_1 = -\\varphi(z),\\ M_2 = q - z\\varphi(z),\\ M_3 = -(z^2+2)\\varphi(z),

    where :math:`M_j = \\int_{-\\infty}^{z} t^j\\varphi(t)\\,dt` are partial moments of the
    standard normal density :math:`\\varphi` and :math:`z = \\Phi^{-1}(q)`. Derived by hand.

    References
    ----------
    Boudt, K., Peterson, B. and Croux, C. (2008). Estimation and decomposition of downside risk
    for portfolios with non-normal returns. *Journal of Risk* 11(2), 79-103.
    https://doi.org/10.21314/JOR.2008.188

    Examples
    --------
    >>> round(cornish_fisher_tail_mean(0.05, 0.0, 0.0), 4)  # -phi(1.645)/0.05
    -2.0627
    """
    qa, s, k = _check_cf(q, skewness, excess_kurtosis, 3)
    z = special.ndtri(qa)
    phi = np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)
    a, b, c, d = _cf_coefficients(s, k)
    m0, m1, m2, m3 = qa, -phi, qa - z * phi, -(z**2 + 2.0) * phi
    out = (a * m3 + b * m2 + c * m1 + d * m0) / qa
    return wrap_like(out, q, skewness, excess_kurtosis, name="tail_mean")


def moment_table(samples: Mapping[str, Any]) -> pd.DataFrame:
    """Size, standard deviation, skewness and excess kurtosis of several return series.

    Parameters
    ----------
    samples : mapping of str to array_like or pandas.Series
        Name -> returns (fractions per period, finite; NaN are dropped), at least 4 each.

    Returns
    -------
    pandas.DataFrame
        One row per name, in the mapping's order, with columns ``nobs`` (count), ``std``
        (sample standard deviation, ``ddof=1``, fraction per period), ``skewness`` (:math:`G_1`)
        and ``excess_kurtosis`` (:math:`G_2`), as :func:`skewness` and :func:`excess_kurtosis`.

    Raises
    ------
    ValueError
        Empty ``samples``.
    InsufficientDataError
        A series with fewer than 4 observations.

    See Also
    --------
    skewness, excess_kurtosis

    Notes
    -----
    The moments are dimensionless; compare them across frequencies with care (the kurtosis of
    summed i.i.d. returns falls as :math:`k/h` with the aggregation horizon :math:`h`).

    Examples
    --------
    >>> t = moment_table({"a": [-1.0, 1.0, -1.0, 1.0], "b": [0.0, 0.0, 0.0, 1.0, 0.0]})
    >>> t["nobs"].tolist(), round(float(t.loc["b", "skewness"]), 4)
    ([4, 5], 2.2361)
    """
    check_mapping(samples, "samples", "returns")
    if not samples:
        raise ValueError("samples must name at least one return series; got none")
    rows = {}
    for name, returns in samples.items():
        x = np.asarray(returns, dtype=float)
        x = x[~np.isnan(x)]
        rows[name] = {
            "nobs": int(x.size),
            "std": float(np.std(x, ddof=1)) if x.size > 1 else np.nan,
            "skewness": skewness(x),
            "excess_kurtosis": excess_kurtosis(x),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def share_outside_cornish_fisher_domain(returns: Any, window: int) -> float:
    """Share of rolling windows whose skewness and kurtosis leave the Cornish-Fisher domain.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Returns (fractions per period).
    window : int
        Rolling window length in observations (>= 4).

    Returns
    -------
    float
        Fraction in [0, 1] of the complete windows for which
        :func:`cornish_fisher_is_monotone` is False, i.e. where a Cornish-Fisher VaR estimated
        on that window is not a quantile of any distribution.

    Raises
    ------
    InsufficientDataError
        Fewer than ``window`` observations.

    See Also
    --------
    cornish_fisher_is_monotone, rolling_skewness, rolling_excess_kurtosis

    Notes
    -----
    With :math:`G_{1,t}, G_{2,t}` the rolling skewness and excess kurtosis of the window
    ending at :math:`t` and :math:`T` the set of complete windows,

    .. math::

       \\text{share} = \\frac{1}{|T|}\\sum_{t \\in T} 1\\{(G_{1,t}, G_{2,t})
       \\notin \\mathcal{D}\\},

    with :math:`\\mathcal{D}` the monotonicity domain of :func:`cornish_fisher_is_monotone`.

    Examples
    --------
    >>> x = [0.0] * 9 + [1.0]  # one spike: kurtosis far above the domain's limit of 8
    >>> share_outside_cornish_fisher_domain(x * 3, 10)
    1.0
    """
    s = rolling_skewness(returns, window).dropna()
    k = rolling_excess_kurtosis(returns, window).dropna()
    s, k = s.align(k, join="inner")
    if s.empty:
        raise InsufficientDataError(f"need at least window={window} returns; got fewer")
    ok = cornish_fisher_is_monotone(s.to_numpy(), k.to_numpy())
    return float(1.0 - np.mean(ok))


def tail_table(samples: Mapping[str, Any], q: float = 0.01) -> pd.DataFrame:
    r"""Moments and the lower ``q``-quantile of several return series, three ways.

    Extends :func:`moment_table` with the empirical quantile, the normal quantile with the same
    mean and standard deviation, and the Cornish-Fisher quantile where the expansion is valid
    (monotone) for the sample's skewness and excess kurtosis.

    Parameters
    ----------
    samples : mapping of str to array_like or pandas.Series
        Name -> returns (fractions or log returns per period; NaN dropped), at least 4 each.
    q : float, default 0.01
        Lower-tail probability in (0, 0.5).

    Returns
    -------
    pandas.DataFrame
        One row per name: the :func:`moment_table` columns, ``cf_valid`` (bool), and
        ``empirical_q``, ``normal_q``, ``cornish_fisher_q`` (return units; NaN where the
        expansion is not valid).

    Raises
    ------
    ValueError
        ``q`` outside (0, 0.5) or empty ``samples``.
    InsufficientDataError
        A series with fewer than 4 observations.

    See Also
    --------
    moment_table, cornish_fisher_quantile, cornish_fisher_is_monotone

    Notes
    -----
    .. math::

        \hat x_q^{\mathrm{norm}} = \bar x + s\,\Phi^{-1}(q), \qquad
        \hat x_q^{\mathrm{CF}} = \bar x + s\,z_{\mathrm{CF}}(q; G_1, G_2)

    with :math:`\bar x` and :math:`s` the sample mean and standard deviation, :math:`G_1`,
    :math:`G_2` the sample skewness and excess kurtosis, and :math:`z_{\mathrm{CF}}` the
    Cornish-Fisher quantile :func:`cornish_fisher_quantile`. The empirical quantile is
    pandas' linear-interpolation quantile.

    References
    ----------
    Cornish, E. A. and Fisher, R. A. (1938). Moments and cumulants in the specification of
    distributions. Revue de l'Institut International de Statistique 5(4), 307-320.
    doi:10.2307/1400905

    Examples
    --------
    >>> x = np.tile([-3.0, -1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 3.0], 10)
    >>> t = tail_table({"x": x}, q=0.05)
    >>> float(t.loc["x", "empirical_q"]), bool(t.loc["x", "cf_valid"])
    (-3.0, True)
    """
    level = float(
        check_range(
            as_float_array(q, "q"), "q", 0.0, 0.5, low_inclusive=False, high_inclusive=False
        )
    )
    table = moment_table(samples)  # checks samples
    rows = {}
    for name, returns in samples.items():
        x = pd.Series(np.asarray(returns, dtype=float)).dropna()
        mean, sd = float(x.mean()), float(x.std())
        g1, g2 = table.loc[name, "skewness"], table.loc[name, "excess_kurtosis"]
        valid = bool(cornish_fisher_is_monotone(g1, g2))
        rows[name] = {
            "cf_valid": valid,
            "empirical_q": float(x.quantile(level)),
            "normal_q": mean + sd * float(stats.norm.ppf(level)),
            "cornish_fisher_q": mean + sd * float(cornish_fisher_quantile(level, g1, g2))
            if valid
            else np.nan,
        }
    return table.join(pd.DataFrame.from_dict(rows, orient="index"))


def rolling_moments_summary(
    returns: pd.Series, window: int | str, *, freq: str | None = None
) -> dict[str, float]:
    """How skewed and fat-tailed returns are over rolling windows, in five numbers.

    Parameters
    ----------
    returns : pandas.Series
        Returns on a DatetimeIndex (required when ``freq`` is given).
    window : int or str
        Rolling window, as for :func:`rolling_skewness` (bars after resampling).
    freq : str, optional
        Aggregate the returns to this bar size first (summing within each bar).

    Returns
    -------
    dict
        ``windows`` (number of complete windows), ``median_skewness``,
        ``median_excess_kurtosis``, ``max_excess_kurtosis`` and ``share_cf_valid`` (share of
        windows whose moments lie inside the Cornish-Fisher validity domain).

    See Also
    --------
    rolling_skewness, rolling_excess_kurtosis, share_outside_cornish_fisher_domain

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=60, freq="D")
    >>> pattern = [-0.03, -0.01, -0.01, 0.0, 0.0, 0.0, 0.0, 0.01, 0.01, 0.03]
    >>> out = rolling_moments_summary(pd.Series(np.tile(pattern, 6), index=idx), 20)
    >>> out["windows"], out["share_cf_valid"]
    (41, 1.0)
    """
    sk = rolling_skewness(returns, window, freq=freq).dropna()
    ku = rolling_excess_kurtosis(returns, window, freq=freq).dropna()
    sk, ku = sk.align(ku, join="inner")
    return {
        "windows": len(ku),
        "median_skewness": float(sk.median()),
        "median_excess_kurtosis": float(ku.median()),
        "max_excess_kurtosis": float(ku.max()),
        "share_cf_valid": float(np.mean(cornish_fisher_is_monotone(sk, ku))),
    }
