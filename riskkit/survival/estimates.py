"""Three estimates of the liquidation probability side by side: historical, GBM, Monte Carlo.

:func:`liquidation_estimates` runs :func:`~riskkit.survival.historical_survival`,
:func:`~riskkit.survival.liquidation_probability_gbm` and
:func:`~riskkit.survival.simulate_liquidation` on one OHLC frame, so that they are comparable
(:class:`LiquidationEstimates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._random import Seed, as_generator
from riskkit._validation import as_float_array, check_option, check_range, check_time_index
from riskkit.exceptions import InsufficientDataError
from riskkit.survival._common import _horizons, _leverages, _log_barrier, _mmr, _side
from riskkit.survival.analytic import liquidation_probability_gbm
from riskkit.survival.curves import historical_survival
from riskkit.survival.montecarlo import (
    _MODELS,
    _check_digits,
    _fit_garch,
    fit_return_model,
    simulate_liquidation,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["LiquidationEstimates", "liquidation_estimates"]


@dataclass(frozen=True, slots=True)
class LiquidationEstimates:
    """Historical, analytic (GBM) and Monte Carlo liquidation probabilities side by side.

    Attributes
    ----------
    liquidation_prob : pandas.DataFrame
        Index ``(leverage, horizon)``; columns ``historical``, ``gbm`` and one per Monte Carlo
        model (``student_t``, ``garch_t``, ``normal``).
    std_error : pandas.DataFrame
        Monte Carlo standard errors (same index, one column per model) and the Greenwood
        standard error of ``historical`` (understated, overlapping entries).
    volatility : float
        Per-bar standard deviation of close-to-close log returns used by the GBM formula.
    drift : float
        Per-bar arithmetic drift used by the GBM formula (mean log return + volatility**2 / 2).
    params : pandas.DataFrame
        Fitted per-bar parameters of each Monte Carlo model (one column per model).
    nobs : int
        Number of bars.
    side : str
    maintenance_margin_rate : float
    """

    liquidation_prob: pd.DataFrame
    std_error: pd.DataFrame
    volatility: float
    drift: float
    params: pd.DataFrame
    nobs: int
    side: str
    maintenance_margin_rate: float

    def gap(self, reference: str = "historical") -> pd.DataFrame:
        """Each estimate minus ``reference`` (probability points; positive = overstates)."""
        if reference not in self.liquidation_prob.columns:
            raise ValueError(
                f"reference must be one of {tuple(self.liquidation_prob.columns)}; "
                f"got {reference!r}"
            )
        other = self.liquidation_prob.drop(columns=reference)
        return other.sub(self.liquidation_prob[reference], axis=0)

    def compare(
        self, model: str = "gbm", *, reference: str = "historical", min_prob: float = 0.0
    ) -> pd.DataFrame:
        """Two estimates side by side with their ratio ``reference / model``.

        Parameters
        ----------
        model : str
            Column of :attr:`liquidation_prob` to judge (``"gbm"``, ``"student_t"``, ...).
        reference : str
            Column taken as the truth; default ``"historical"``.
        min_prob : float
            The ratio is NaN where the model's probability is below ``min_prob`` (a fraction in
            [0, 1]): a ratio of two near-zero probabilities says little. Default 0.

        Returns
        -------
        pandas.DataFrame
            Index ``(leverage, horizon)``; columns ``reference``, ``model`` and ``ratio``. A ratio
            above 1 means the model understated the risk that materialised.

        Raises
        ------
        ValueError
            If ``model`` or ``reference`` is not a column, or ``min_prob`` is outside [0, 1].

        See Also
        --------
        gap : the difference instead of the ratio.

        Examples
        --------
        >>> idx = pd.MultiIndex.from_tuples([(2, 30), (10, 1)], names=["leverage", "horizon"])
        >>> est = LiquidationEstimates(
        ...     pd.DataFrame({"historical": [0.02, 0.10], "gbm": [0.0005, 0.05]}, index=idx),
        ...     pd.DataFrame(index=idx), 0.03, 0.0, pd.DataFrame(), 100, "long", 0.005)
        >>> est.compare(min_prob=0.001)["ratio"].tolist()
        [nan, 2.0]
        """
        cols = tuple(self.liquidation_prob.columns)
        check_option(model, "model", cols)
        check_option(reference, "reference", cols)
        check_range(as_float_array(min_prob, "min_prob"), "min_prob", 0.0, 1.0)
        ref = self.liquidation_prob[reference]
        mod = self.liquidation_prob[model]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (ref / mod).where(mod >= min_prob)
        return pd.DataFrame({reference: ref, model: mod, "ratio": ratio})

    def standardized_distance(self) -> pd.Series:
        """Distance to liquidation in standard deviations of the horizon's log return.

        Returns
        -------
        pandas.Series
            Index ``(leverage, horizon)``; :math:`z = |b| / (\\sigma\\sqrt{h})`, infinite where
            the position cannot be liquidated (a long at 1x or less).

        Notes
        -----
        With :math:`b = \\ln\\frac{1-1/L}{1-m}` the log distance from the entry to a long's
        liquidation price (:math:`\\ln\\frac{1+1/L}{1+m}` for a short), :math:`\\sigma` the
        per-bar volatility of :attr:`volatility` and :math:`h` the horizon in bars. It is the
        yardstick of the normal model: about 2 or more and a normal model understates fat-tailed
        risk, about 1 and it tends to overstate it.

        Examples
        --------
        A 10x long (m = 0.005) at 3 % a bar over one bar: :math:`-\\ln(0.9/0.995)/0.03 = 3.34`.

        >>> idx = pd.MultiIndex.from_tuples([(10, 1)], names=["leverage", "horizon"])
        >>> est = LiquidationEstimates(
        ...     pd.DataFrame({"historical": [0.1]}, index=idx), pd.DataFrame(index=idx),
        ...     0.03, 0.0, pd.DataFrame(), 100, "long", 0.005)
        >>> round(float(est.standardized_distance().iloc[0]), 2)
        3.34
        """
        idx = self.liquidation_prob.index
        lev = idx.get_level_values("leverage").to_numpy(dtype=float)
        hor = idx.get_level_values("horizon").to_numpy(dtype=float)
        b = _log_barrier(lev, _side(self.side), self.maintenance_margin_rate)
        return pd.Series(-b / (self.volatility * np.sqrt(hor)), index=idx, name="z")

    def summary(self) -> pd.DataFrame:
        """Probabilities per method and the gap of every model to the historical estimate."""
        gap = self.gap().add_prefix("gap_")
        return self.liquidation_prob.join(gap)

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (leverage, horizon, method)."""
        prob = self.liquidation_prob.rename_axis(columns="method").stack()
        se = self.std_error.rename_axis(columns="method").stack()
        return pd.DataFrame({"liquidation_prob": prob, "std_error": se})

    def _repr_html_(self) -> str:
        head = (
            f"<p>Liquidation probability, {self.side}, m={self.maintenance_margin_rate:g}, "
            f"{self.nobs:,} bars; GBM volatility {self.volatility:.4g} per bar</p>"
        )
        return head + self.summary().to_html(float_format="{:.4f}".format)

    def chart(
        self,
        title: str | None = None,
        *,
        log_y: bool = False,
        horizon_title: str = "horizon (bars)",
        width: int | None = None,
    ) -> alt.FacetChart:
        """Probability against leverage, one line per method, one panel per horizon (altair).

        Parameters
        ----------
        title : str, optional
            Chart title.
        log_y : bool
            Logarithmic probability axis from 1e-4 to 1, which shows the low-leverage tail
            where the estimates differ by orders of magnitude; probabilities below 1e-4
            (including zeros) are left out.
        horizon_title : str
            Title above the panels (e.g. ``"horizon (days)"``).
        width : int, optional
            Width of each panel in px; default ``max(120, 450 // n_horizons)`` so that the
            whole chart stays within about 520 px.

        Returns
        -------
        altair.FacetChart
        """
        from riskkit.charts.survival import chart_liquidation_estimates

        return chart_liquidation_estimates(
            self, title, log_y=log_y, horizon_title=horizon_title, width=width
        )


def _model_seeds(seed: Seed, n: int) -> list[Seed]:
    """One seed per model: ``seed + k`` for an int, spawned children otherwise."""
    if seed is None:
        return [None] * n
    if isinstance(seed, np.random.SeedSequence | np.random.Generator):
        return list(seed.spawn(n))
    as_generator(seed)  # type and range check
    return [int(seed) + k for k in range(n)]


def liquidation_estimates(
    ohlc: pd.DataFrame,
    leverage: Any,
    horizon: Any,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    models: tuple[str, ...] = ("student_t", "garch_t"),
    n_paths: int = 20_000,
    chunk_size: int = 5_000,
    seed: Seed = None,
    progress: bool = False,
    param_digits: int | None = None,
) -> LiquidationEstimates:
    """The three estimates of the liquidation probability on one OHLC frame, side by side.

    Parameters
    ----------
    ohlc : pandas.DataFrame
        Bars ordered in time with columns ``high``, ``low``, ``close`` (price units, > 0);
        positions are entered at each close.
    leverage : float or sequence of float
        Leverages, > 0.
    horizon : int or sequence of int
        Horizons in bars, >= 1.
    side : {"long", "short"}
        Direction of the positions.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    models : tuple of str
        Monte Carlo models fitted to the close-to-close log returns (see
        :func:`fit_return_model`); empty for none.
    n_paths, chunk_size, progress
        Passed to :func:`simulate_liquidation` (bridge monitoring).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the simulations. Model ``k`` (0-based) uses ``seed + k`` for an int seed
        and the ``k``-th spawned child of a SeedSequence or Generator; None draws fresh entropy.
    param_digits : int, optional
        Round the fitted model parameters to this many significant digits before simulating
        (see ``digits`` of :func:`fit_return_model`): the simulation then depends only on the
        rounded parameters and gives the same numbers on every machine. Default: no rounding.

    Returns
    -------
    LiquidationEstimates

    Raises
    ------
    TypeError
        If ``ohlc`` is not a DataFrame.
    ValueError
        If a column is missing or the inputs are invalid.

    See Also
    --------
    historical_survival, liquidation_probability_gbm, simulate_liquidation

    Notes
    -----
    With :math:`r_t = \\ln(C_t/C_{t-1})` the close-to-close log returns, the GBM column uses
    :math:`\\sigma = \\operatorname{sd}(r)` and :math:`\\mu = \\bar r + \\sigma^2/2` per bar in
    :func:`liquidation_probability_gbm`; the historical column is
    :math:`1 - \\hat S_L(h)` from :func:`historical_survival`; the Monte Carlo columns come from
    :func:`simulate_liquidation` with each model fitted on :math:`r`. GARCH paths start from the
    conditional variance of a randomly drawn historical entry bar (the fitted one-step-ahead
    variance; the sample variance for the first bar), so that, like the historical column, they
    average over the market states of the sample rather than forecast from its last bar.
    Funding is ignored by all three, so they are comparable.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 400)))
    >>> bars = pd.DataFrame({"high": close * 1.01, "low": close * 0.99, "close": close})
    >>> est = liquidation_estimates(bars, [5, 50], [1, 10], models=("normal",), n_paths=500,
    ...                             seed=0)
    >>> list(est.liquidation_prob.columns)
    ['historical', 'gbm', 'normal']
    """
    check_time_index(ohlc, "ohlc")
    if not isinstance(ohlc, pd.DataFrame):
        raise TypeError(f"ohlc must be a pandas DataFrame; got {type(ohlc).__name__}")
    missing = [c for c in ("high", "low", "close") if c not in ohlc.columns]
    if missing:
        raise ValueError(
            f"ohlc must have columns 'high', 'low', 'close'; missing {missing} "
            f"(columns are {list(ohlc.columns)})"
        )
    for model in models:
        check_option(model, "models", _MODELS)
    m = _mmr(maintenance_margin_rate)
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    hist = historical_survival(ohlc["high"], ohlc["low"], ohlc["close"], levs, hz, side, m)
    close = as_float_array(ohlc["close"], "close")
    r = np.diff(np.log(close))
    if r.size < 2:
        raise InsufficientDataError(f"liquidation_estimates needs >= 3 bars; got {close.size}")
    sigma = float(r.std(ddof=1))
    drift = float(r.mean()) + 0.5 * sigma**2
    index = pd.MultiIndex.from_product([levs, hz], names=["leverage", "horizon"])
    prob = {"historical": hist.liquidation_prob.to_numpy().ravel()}
    se = {"historical": hist.surv_prob_se.to_numpy().ravel()}
    prob["gbm"] = np.asarray(
        liquidation_probability_gbm(
            levs[:, None], hz[None, :].astype(np.float64), sigma, drift,
            side=side, maintenance_margin_rate=m,
        )
    ).ravel()  # fmt: skip
    se["gbm"] = np.zeros(index.size)
    param_digits = _check_digits(param_digits)
    seeds = _model_seeds(seed, len(models))
    params = {}
    for k, model in enumerate(models):
        init_var = None
        if model == "garch_t":
            if r.size < 30:
                raise InsufficientDataError(
                    f"fit_return_model needs at least 30 returns; got {r.size}"
                )
            prm, next_var = _fit_garch(r, param_digits)
            init_var = np.concatenate([[float(np.var(r, ddof=1))], next_var])
        else:
            prm = fit_return_model(r, model, digits=param_digits)
        prm_map = {str(key): float(val) for key, val in prm.items()}
        mc = simulate_liquidation(
            levs, hz, model=model, params=prm_map, n_paths=n_paths,
            chunk_size=chunk_size, seed=seeds[k], progress=progress,
            initial_variance=init_var, side=side, maintenance_margin_rate=m,
        )  # fmt: skip
        prob[model] = mc.liquidation_prob.to_numpy().ravel()
        se[model] = mc.std_error.to_numpy().ravel()
        params[model] = mc.params
    return LiquidationEstimates(
        liquidation_prob=pd.DataFrame(prob, index=index),
        std_error=pd.DataFrame(se, index=index),
        volatility=sigma,
        drift=drift,
        params=pd.DataFrame(params),
        nobs=int(close.size),
        side=side,
        maintenance_margin_rate=m,
    )
