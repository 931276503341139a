"""Leveraged paths: constant leverage rebalanced every bar, or a fixed size opened once."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from riskkit._boundary import user_stacklevel
from riskkit._validation import align_series, as_float_array, check_range
from riskkit.exceptions import InsufficientDataError, RuinWarning
from riskkit.leverage._common import _leverage_list, _series_1d, _shape_output, _sign

__all__ = [
    "leveraged_equity",
    "leveraged_returns",
]


# -------------------------------------------------------------------------------------------
# paths
# -------------------------------------------------------------------------------------------


def leveraged_returns(
    returns: Any, leverage: Any, *, funding_rate: Any = 0.0, side: str = "long"
) -> Any:
    """Per-bar returns of a constant-leverage position rebalanced every bar.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns of the underlying per bar (fractions, > -1).
    leverage : float or sequence of float
        Constant notional / equity, > 0. A sequence gives one column per leverage.
    funding_rate : float or array-like
        Funding per bar paid by longs as a fraction of notional (received by shorts); a scalar
        or one value per bar. Default 0.
    side : {"long", "short"}
        Direction of the position.

    Returns
    -------
    numpy.ndarray, pandas.Series or pandas.DataFrame
        Returns on equity per bar, floored at -1 (equity cannot go below zero). The bar that
        reaches -1 is the ruin bar; the equity is gone and every later bar is NaN (a return on
        no equity is undefined, and 0 would read as calm bars in a VaR or a volatility).
        Series/DataFrame on the input's index.

    Raises
    ------
    ValueError
        If a return is <= -1 or not finite, ``leverage <= 0``, ``returns`` is a pandas object
        whose index is not increasing, or ``funding_rate`` is a Series on other labels.

    Warns
    -----
    RuinWarning
        If a position is ruined before the last bar; the message names the bar and leverage.

    See Also
    --------
    leveraged_equity : the equity path, also for a fixed-size position.
    volatility_drag : why the compounded result falls short of ``L`` times the return.

    Notes
    -----
    .. math::

        r^{(L)}_t = \\max\\bigl(-1,\\; s L (r_t - f_t)\\bigr),

    with :math:`r_t` the underlying return, :math:`f_t` the funding rate per bar,
    :math:`s = +1` for a long and :math:`-1` for a short, :math:`L` the leverage.

    Examples
    --------
    >>> leveraged_returns([0.10, -0.10], 3.0)
    array([ 0.3, -0.3])
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", RuinWarning)
    ...     leveraged_returns([-0.5, 0.2], 3.0)
    array([-1., nan])
    """
    (returns, funding_rate), _ = align_series(
        returns, funding_rate, names=("returns", "funding_rate")
    )
    r, index = _series_1d(returns, "returns", ordered=True)
    if r.size == 0:
        raise InsufficientDataError("returns must hold at least one return; got an empty sequence")
    out, levs, scalar = _leveraged(r, leverage, funding_rate, side)
    ruined = np.cumsum(out <= -1.0, axis=0) > 0
    after = np.vstack([np.zeros((1, levs.size), dtype=bool), ruined[:-1]])
    if after.any():
        out[after] = np.nan
        _warn_ruin(after, levs, index)
    name = returns.name if isinstance(returns, pd.Series) else None
    return _shape_output(out, levs, scalar, index, name)


def _leveraged(
    r: np.ndarray, leverage: Any, funding_rate: Any, side: str
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Per-bar leveraged returns floored at -1, before the bars after ruin are set."""
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    s = _sign(side)
    levs, scalar = _leverage_list(leverage)
    f = np.broadcast_to(as_float_array(funding_rate, "funding_rate"), r.shape)
    raw = s * levs[None, :] * (r - f)[:, None]
    return np.maximum(raw, -1.0), levs, scalar


def _warn_ruin(after: np.ndarray, levs: np.ndarray, index: Any) -> None:
    cols = np.flatnonzero(after.any(axis=0))
    parts = []
    for j in cols[:5]:
        pos = int(np.argmax(after[:, j])) - 1
        where = f"bar {index[pos]} (position {pos})" if index is not None else f"position {pos}"
        parts.append(f"{levs[j]:g}x at {where}")
    more = f" and {cols.size - 5} more leverages" if cols.size > 5 else ""
    warnings.warn(
        f"leveraged_returns: equity is wiped out (-100 %) at {', '.join(parts)}{more}; the "
        "returns after that bar are NaN, because there is no equity left. Statistics of the "
        "path (VaR, ES, volatility) refuse NaN: report the ruin itself, or use "
        "leveraged_equity (absorbed at 0) or a lower leverage.",
        RuinWarning,
        stacklevel=user_stacklevel(),
    )


def leveraged_equity(
    returns: Any,
    leverage: Any,
    *,
    rebalance: bool = True,
    funding_rate: Any = 0.0,
    side: str = "long",
) -> Any:
    """Equity path (initial equity 1) of a leveraged position, rebalanced or fixed size.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns of the underlying per bar (fractions, > -1).
    leverage : float or sequence of float
        Notional / equity at the start (and at every bar when ``rebalance``), > 0.
    rebalance : bool
        True: constant leverage, the notional is reset to ``leverage`` x equity every bar.
        False: fixed size, the position opened at bar 0 is held unchanged.
    funding_rate : float or array-like
        Funding per bar paid by longs as a fraction of the current notional. Default 0.
    side : {"long", "short"}
        Direction of the position.

    Returns
    -------
    numpy.ndarray, pandas.Series or pandas.DataFrame
        Equity after each bar, >= 0, absorbed at 0 once wiped out (margin exhausted; the
        maintenance margin and liquidation are in :mod:`riskkit.survival`).

    Raises
    ------
    ValueError
        For returns <= -1 or not finite, or ``leverage <= 0``.

    See Also
    --------
    leveraged_returns, riskkit.survival.time_to_liquidation

    Notes
    -----
    Rebalanced: :math:`V_t = \\prod_{u\\le t}(1 + r^{(L)}_u)` with :math:`r^{(L)}` from
    :func:`leveraged_returns`. Fixed size, with :math:`P_t/P_0 = \\prod_{u\\le t}(1 + r_u)`:

    .. math::

        V_t = 1 + sL\\Bigl(\\frac{P_t}{P_0} - 1\\Bigr)
              - sL\\sum_{u\\le t} f_u\\,\\frac{P_{u-1}}{P_0},

    set to 0 from the first bar where it is :math:`\\le 0`; :math:`s`, :math:`L`, :math:`f_u`
    as in :func:`leveraged_returns`.

    Examples
    --------
    Up 10 % then down 10 % at 2x: the rebalanced position ends at 1.2 x 0.8 = 0.96, the fixed
    position at 1 + 2 (0.99 - 1) = 0.98:

    >>> leveraged_equity([0.1, -0.1], 2.0)
    array([1.2 , 0.96])
    >>> leveraged_equity([0.1, -0.1], 2.0, rebalance=False)
    array([1.2 , 0.98])
    """
    (returns, funding_rate), _ = align_series(
        returns, funding_rate, names=("returns", "funding_rate")
    )
    r, index = _series_1d(returns, "returns", ordered=True)
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    s = _sign(side)
    levs, scalar = _leverage_list(leverage)
    f = np.broadcast_to(as_float_array(funding_rate, "funding_rate"), r.shape)
    if rebalance:
        # equity is absorbed at 0 after ruin (cumprod of 1 + (-1) stays 0): no NaN, no warning
        lr, _, _ = _leveraged(r, levs, f, side)
        out = np.cumprod(1.0 + lr, axis=0)
    else:
        growth = np.cumprod(1.0 + r)
        prev = np.concatenate([[1.0], growth[:-1]])
        paid = np.cumsum(f * prev)
        out = 1.0 + s * levs[None, :] * ((growth - 1.0) - paid)[:, None]
        ruined = np.cumsum(out <= 0.0, axis=0) > 0
        out[ruined] = 0.0
    name = returns.name if isinstance(returns, pd.Series) else None
    return _shape_output(out, levs, scalar, index, name)
