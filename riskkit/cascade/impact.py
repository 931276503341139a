"""Price impact: linear and square-root impact of a signed flow, calibrated from depth.

* :class:`PriceImpact` -- linear and square-root impact of a signed notional flow on the log
  price.
* :func:`calibrate_impact` -- its depth from order-book depth summaries
  (:class:`ImpactCalibration`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import scalar_array
from riskkit._validation import as_float_array, check_option, check_positive, check_range
from riskkit.cascade._common import _arr, _html, _scalar
from riskkit.exceptions import InsufficientDataError

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["IMPACT_MODELS", "ImpactCalibration", "PriceImpact", "calibrate_impact"]

IMPACT_MODELS: tuple[str, ...] = ("linear", "sqrt")


@dataclass(frozen=True, slots=True)
class PriceImpact:
    """Permanent price impact of a signed notional flow, on the log price.

    Parameters
    ----------
    depth : float
        Resting notional on one side of the book within ``band`` of mid, quote currency (USD);
        > 0.
    model : {"sqrt", "linear"}, default "sqrt"
        Shape of the impact curve (see Notes).
    band : float, default 0.005
        Relative distance from mid over which ``depth`` is measured (0.005 = 50 bp); in (0, 1).

    Raises
    ------
    ValueError
        If ``depth`` or ``band`` is out of its domain or ``model`` is unknown.

    See Also
    --------
    calibrate_impact : estimate ``depth`` from depth summaries.
    simulate_cascade : uses the impact to move the price.

    Notes
    -----
    For a signed flow :math:`Q` (quote currency, positive = net buying) the log price moves by

    .. math::

        \\Delta \\ln P = \\operatorname{sign}(Q)\\, b \\, g\\!\\left(\\frac{|Q|}{D}\\right), \\qquad
        g(x) = x \\;\\text{(linear)}, \\quad g(x) = \\sqrt{x} \\;\\text{(square root)},

    with :math:`b` the band and :math:`D` the one-sided depth inside it. Both curves agree at
    :math:`|Q| = D`: sweeping the depth within 50 bp moves the price 50 bp. The linear curve is
    exact for a book with uniform depth density and no refill; the square-root curve is the
    empirical law of metaorder impact (Tóth et al., 2011; Bouchaud et al., 2018), in which
    liquidity refills as the order executes. Impact is permanent (no decay between rounds).

    References
    ----------
    Tóth, B. et al. (2011), "Anomalous price impact and the critical nature of liquidity in
    financial markets", Physical Review X 1, 021006, doi:10.1103/PhysRevX.1.021006.
    Bouchaud, J.-P., Bonart, J., Donier, J., Gould, M. (2018), *Trades, Quotes and Prices*,
    Cambridge University Press, doi:10.1017/9781316659335.

    Examples
    --------
    >>> imp = PriceImpact(depth=1_000_000.0, model="sqrt")
    >>> round(imp.log_impact(-4_000_000.0), 6)
    -0.01
    >>> round(PriceImpact(1_000_000.0, "linear").log_impact(2_000_000.0), 6)
    0.01
    """

    depth: float
    model: str = "sqrt"
    band: float = 0.005

    def __post_init__(self) -> None:
        d = float(check_positive(scalar_array(self.depth, "depth"), "depth"))
        b = float(
            check_range(
                _arr(self.band, "band"),
                "band",
                0.0,
                1.0,
                low_inclusive=False,
                high_inclusive=False,
            )
        )
        check_option(self.model, "model", IMPACT_MODELS)
        object.__setattr__(self, "depth", d)
        object.__setattr__(self, "band", b)

    def log_impact(self, notional: Any) -> Any:
        """Log-price change for a signed notional flow (quote currency; > 0 is net buying)."""
        q = as_float_array(notional, "notional")
        x = np.abs(q) / self.depth
        g = x if self.model == "linear" else np.sqrt(x)
        out = np.sign(q) * self.band * g
        return float(out) if out.ndim == 0 else out

    def notional_for_move(self, move: Any) -> Any:
        """Unsigned flow (quote currency) that moves the log price by ``|move|``."""
        m = np.abs(as_float_array(move, "move")) / self.band
        out = self.depth * (m if self.model == "linear" else m * m)
        return float(out) if np.ndim(out) == 0 else out

    def summary(self) -> pd.DataFrame:
        """The parameters as a one-column frame (``depth`` USD, ``model``, ``band`` fraction)."""
        return pd.DataFrame(
            {"value": [self.depth, self.model, self.band]},
            index=pd.Index(["depth", "model", "band"]),
        )

    def to_frame(self) -> pd.DataFrame:
        """The parameters as a one-row frame."""
        return pd.DataFrame({"depth": [self.depth], "model": [self.model], "band": [self.band]})

    def _repr_html_(self) -> str:
        return _html(self.to_frame(), "Price impact")


@dataclass(frozen=True, slots=True)
class ImpactCalibration:
    """Impact parameters calibrated from order-book depth summaries.

    Attributes
    ----------
    model : str
        ``"sqrt"`` or ``"linear"``.
    band : float
        Band of the depth measure (fraction of mid).
    depth : float
        One-sided depth used by the model (quote currency): the ``quantile`` of the observed
        depth, halved when the input is two-sided.
    half_spread : float
        Median half spread, fraction of mid (NaN if no spread was given).
    quantile : float
        Quantile of depth used.
    nobs : int
        Number of snapshots.
    depth_quantiles : pandas.Series
        One-sided depth at quantiles 0.01, 0.05, 0.25, 0.5, 0.75, 0.95 (quote currency).

    See Also
    --------
    calibrate_impact, PriceImpact

    Examples
    --------
    >>> cal = calibrate_impact(np.arange(1.0, 21.0) * 1e6)
    >>> cal.depth, cal.impact.model
    (5250000.0, 'sqrt')
    """

    model: str
    band: float
    depth: float
    half_spread: float
    quantile: float
    nobs: int
    depth_quantiles: pd.Series

    @property
    def impact(self) -> PriceImpact:
        """The calibrated :class:`PriceImpact`."""
        return PriceImpact(self.depth, self.model, self.band)

    def impact_table(self, notional: Sequence[float] = (1e6, 1e7, 1e8, 1e9)) -> pd.DataFrame:
        """Price move (fraction) of selling each notional, at every depth quantile."""
        q = as_float_array(list(notional), "notional")
        cols = {}
        for level, d in self.depth_quantiles.items():
            imp = PriceImpact(float(d), self.model, self.band)
            cols[f"depth q{level:g}"] = np.expm1(imp.log_impact(-q))
        out = pd.DataFrame(cols, index=pd.Index(q, name="notional sold"))
        return out

    def summary(self) -> pd.DataFrame:
        """Key numbers: model, band, depth, half spread, quantile, nobs."""
        return pd.DataFrame(
            {
                "value": [
                    self.model,
                    self.band,
                    self.depth,
                    self.half_spread,
                    self.quantile,
                    self.nobs,
                ]
            },
            index=["model", "band", "depth", "half_spread", "quantile", "nobs"],
        )

    def to_frame(self) -> pd.DataFrame:
        """One-sided depth quantiles (quote currency)."""
        return self.depth_quantiles.rename("depth").to_frame()

    def _repr_html_(self) -> str:
        return _html(self.summary(), "ImpactCalibration") + _html(self.impact_table(), "Impact")

    def chart(self) -> alt.Chart:
        """Price move of a market sell against notional sold, one line per depth quantile.

        See Also
        --------
        riskkit.charts.cascade.impact_chart : the builder this delegates to.
        """
        require("altair", "charts")
        from riskkit.charts.cascade import impact_chart

        return impact_chart(self)


def calibrate_impact(
    depth: Any,
    spread: Any = None,
    *,
    model: str = "sqrt",
    band: float = 0.005,
    quantile: float = 0.5,
    two_sided: bool = True,
    market_share: float = 1.0,
) -> ImpactCalibration:
    """Calibrate a :class:`PriceImpact` from depth-within-band snapshots.

    Parameters
    ----------
    depth : array_like or pandas.Series
        Resting notional within ``band`` of mid per snapshot, quote currency (USD); >= 0. NaN
        values are dropped.
    spread : array_like or pandas.Series, optional
        Quoted spread per snapshot as a fraction of mid (divide basis points by 1e4); >= 0.
    model : {"sqrt", "linear"}, default "sqrt"
        Impact curve; see :class:`PriceImpact`.
    band : float, default 0.005
        Band of the depth measure as a fraction of mid (0.005 = 50 bp).
    quantile : float, default 0.5
        Quantile of depth to use, in (0, 1): 0.5 is a typical day, 0.05 a thin (stressed) book.
    two_sided : bool, default True
        Whether ``depth`` counts both bids and asks; if so it is halved, since a one-sided
        liquidation flow only consumes one side.
    market_share : float, default 1.0
        Share of the whole market's resting depth that the measured venue holds, in (0, 1].
        The depth is divided by it, so that a book estimated from all-exchange open interest
        meets all-exchange depth (an assumption to state, e.g. 0.1 for a venue with a tenth of
        the depth); 1.0 keeps the venue's own depth.

    Returns
    -------
    ImpactCalibration

    Raises
    ------
    ValueError
        If an input is out of its domain.
    InsufficientDataError
        If fewer than 10 finite depth snapshots are given.

    See Also
    --------
    PriceImpact, simulate_cascade

    Notes
    -----
    With :math:`D_t` the depth within band :math:`b` at snapshot :math:`t`, the one-sided depth
    is :math:`D = Q_\\tau(D_t)/(2 s)` (two-sided input) and the impact of a flow :math:`Q` is
    :math:`b\\,g(|Q|/D)`; :math:`Q_\\tau` is the empirical quantile at level :math:`\\tau` and
    :math:`s` the market share.
    Summaries within one band pin a single point of the impact curve; the curvature (linear or
    square root) is an assumption, not estimated here.

    Examples
    --------
    >>> cal = calibrate_impact([2e6] * 10, [1e-4] * 10)
    >>> cal.depth, cal.half_spread
    (1000000.0, 5e-05)
    >>> round(cal.impact.log_impact(-1e6), 6)
    -0.005
    """
    d = as_float_array(depth, "depth", allow_nan=True)
    d = d[~np.isnan(d)]
    check_positive(d, "depth", strict=False)
    if d.size < 10:
        raise InsufficientDataError(
            f"calibrate_impact needs at least 10 depth values; got {d.size}"
        )
    check_option(model, "model", IMPACT_MODELS)
    b = _scalar(band, "band")
    check_range(np.asarray(b), "band", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    tau = _scalar(quantile, "quantile")
    check_range(np.asarray(tau), "quantile", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    if not isinstance(two_sided, bool):
        raise TypeError(f"two_sided must be a bool; got {type(two_sided).__name__}")
    share = float(
        check_range(
            _arr(market_share, "market_share"), "market_share", 0.0, 1.0, low_inclusive=False
        )
    )
    factor = (0.5 if two_sided else 1.0) / share
    half_spread = np.nan
    if spread is not None:
        s = as_float_array(spread, "spread", allow_nan=True)
        s = s[~np.isnan(s)]
        check_range(s, "spread", 0.0, 1.0)
        half_spread = float(np.median(s)) / 2.0 if s.size else np.nan
    levels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95]
    dq = pd.Series(np.quantile(d, levels) * factor, index=pd.Index(levels, name="quantile"))
    one_sided = float(np.quantile(d, tau)) * factor
    if one_sided <= 0:
        raise ValueError(f"depth quantile {tau:g} is 0; choose a higher quantile")
    return ImpactCalibration(model, b, one_sided, half_spread, tau, int(d.size), dq)
