"""Markov-switching regimes of a leverage proxy (wrapping statsmodels).

Part of :mod:`riskkit.cycles`; import the public names from there. statsmodels is imported
inside :func:`markov_regimes`.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from riskkit._boundary import user_stacklevel
from riskkit._errors import check_int as _check_int
from riskkit._random import Seed, as_generator
from riskkit._typing import ArrayLike
from riskkit._validation import as_float_array, check_option, check_range
from riskkit.cycles._common import _html, _series
from riskkit.exceptions import BoundaryEstimateWarning, InsufficientDataError

__all__ = ["RegimeResult", "markov_regimes"]

#: A regime whose standard deviation is below this fraction of the largest regime's has collapsed.
REGIME_COLLAPSE = 1e-3


@dataclass(frozen=True, slots=True)
class RegimeResult:
    """Markov-switching regimes of a series (:func:`markov_regimes`).

    Attributes
    ----------
    model_result : statsmodels MarkovRegressionResults or MarkovAutoregressionResults
        The fitted statsmodels result (``.summary()``, ``.params``, ``.llf`` ...).
    smoothed_probabilities : DataFrame
        :math:`P(S_t = j \\mid y_1..y_T)`, one column per regime (``regime_0`` ...).
    filtered_probabilities : DataFrame
        :math:`P(S_t = j \\mid y_1..y_t)`: what was knowable at :math:`t`.
    regimes : DataFrame
        Per regime: ``const`` (mean), ``sigma2`` (variance), ``persistence``
        (:math:`p_{jj}`), ``expected_duration`` (observations) and ``share`` (mean smoothed
        probability).
    transition : DataFrame
        Transition matrix, rows = from, columns = to (rows sum to 1).
    high_regime : int
        Regime with the largest ``const`` (``order_by="mean"``) or ``sigma2``
        (``order_by="variance"``): the high-leverage or stress regime.
    collapsed_regimes : tuple of int
        Regimes whose variance collapsed onto the boundary (standard deviation below
        :data:`REGIME_COLLAPSE` times the largest regime's): the regime is a point mass (e.g.
        funding pinned at a venue's default rate), its variance and the transition
        probabilities into it are not identified. Empty when the fit is interior.
    """

    model_result: Any = field(repr=False)
    smoothed_probabilities: pd.DataFrame = field(repr=False)
    filtered_probabilities: pd.DataFrame = field(repr=False)
    regimes: pd.DataFrame
    transition: pd.DataFrame
    high_regime: int
    collapsed_regimes: tuple[int, ...] = ()

    @property
    def at_boundary(self) -> bool:
        """True when a regime's variance collapsed (see ``collapsed_regimes``)."""
        return bool(self.collapsed_regimes)

    @property
    def nobs(self) -> int:
        """Observations used by the fit."""
        return int(self.model_result.nobs)

    @property
    def llf(self) -> float:
        """Log-likelihood at the optimum."""
        return float(self.model_result.llf)

    @property
    def most_likely_regime(self) -> pd.Series:
        """Regime with the highest smoothed probability at each date."""
        sp = self.smoothed_probabilities
        return pd.Series(np.argmax(sp.to_numpy(), axis=1), index=sp.index, name="regime")

    def summary(self) -> pd.DataFrame:
        """Per-regime table (mean, variance, persistence, expected duration, share)."""
        return self.regimes.copy()

    def profile(self) -> pd.DataFrame:
        r"""Mean, standard deviation, expected duration and share of each regime.

        Returns
        -------
        DataFrame
            Index ``"low"`` and ``"high"`` for two regimes (``high`` is :attr:`high_regime`),
            else the regime numbers. Columns ``mean`` and ``sd`` (in the units of the fitted
            series), ``expected_duration`` (observations) and ``share`` (mean smoothed
            probability, a fraction).

        Notes
        -----
        ``sd`` :math:`= \sqrt{\sigma^2_j}` and ``expected_duration`` :math:`= 1/(1 - p_{jj})`.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = np.r_[rng.normal(0, 0.1, 200), rng.normal(1, 0.1, 100), rng.normal(0, 0.1, 200)]
        >>> markov_regimes(y).profile()["mean"].round(1).tolist()
        [0.0, 1.0]
        """
        reg = self.regimes
        out = pd.DataFrame(
            {
                "mean": reg["const"],
                "sd": np.sqrt(reg["sigma2"]),
                "expected_duration": reg["expected_duration"],
                "share": reg["share"],
            }
        )
        if len(reg) == 2:
            out = out.loc[[1 - self.high_regime, self.high_regime]]
            out.index = pd.Index(["low", "high"])
        return out

    def in_regime(self, regime: int | None = None, *, threshold: float = 0.5) -> pd.Series:
        """Dates on which the smoothed probability of a regime exceeds a threshold.

        Parameters
        ----------
        regime : int, optional
            Regime number; default :attr:`high_regime`.
        threshold : float, default 0.5
            Probability in [0, 1) that the smoothed probability must exceed.

        Returns
        -------
        Series of bool
            On the dates of :attr:`smoothed_probabilities`.

        Raises
        ------
        ValueError
            If ``regime`` is not a regime of the model or ``threshold`` is outside [0, 1).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = np.r_[rng.normal(0, 0.1, 200), rng.normal(1, 0.1, 100), rng.normal(0, 0.1, 200)]
        >>> int(markov_regimes(y).in_regime().sum())
        100
        """
        k = self.high_regime if regime is None else regime
        column = f"regime_{k}"
        if column not in self.smoothed_probabilities.columns:
            raise ValueError(f"regime must be in 0..{len(self.regimes) - 1}; got {regime}")
        check_range(
            as_float_array(threshold, "threshold"), "threshold", 0.0, 1.0, high_inclusive=False
        )
        return (self.smoothed_probabilities[column] > threshold).rename("in_regime")

    def spells(
        self,
        values: pd.Series | None = None,
        *,
        regime: int | None = None,
        threshold: float = 0.5,
        min_periods: int = 1,
    ) -> pd.DataFrame:
        """Runs of consecutive dates in a regime (smoothed probability above a threshold).

        Parameters
        ----------
        values : Series, optional
            A series on the same dates (typically the fitted one) to average over each spell.
        regime : int, optional
            Regime number; default :attr:`high_regime`.
        threshold : float, default 0.5
            As in :meth:`in_regime`.
        min_periods : int, default 1
            Keep spells of at least this many observations.

        Returns
        -------
        DataFrame
            One row per spell, in time order, index 0..n-1: ``start`` and ``end`` (first and
            last date in the regime), ``periods`` (observations) and, with ``values``, ``mean``
            (mean of ``values`` over the spell, in its units).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = np.r_[rng.normal(0, 0.1, 200), rng.normal(1, 0.1, 100), rng.normal(0, 0.1, 200)]
        >>> res = markov_regimes(pd.Series(y))
        >>> res.spells(pd.Series(y)).round(1).to_dict("records")
        [{'start': 200, 'end': 299, 'periods': 100, 'mean': 1.0}]
        """
        on = self.in_regime(regime, threshold=threshold)
        n_min = _check_int(min_periods, "min_periods", 1)
        spell = (on != on.shift()).cumsum()[on]
        dates = on.index[on.to_numpy()]
        groups = pd.Series(dates, index=dates).groupby(spell.to_numpy())
        out = pd.DataFrame(
            {
                "start": groups.first().to_numpy(),
                "end": groups.last().to_numpy(),
                "periods": groups.size().to_numpy(),
            }
        )
        if values is not None:
            v = _series(values, "values", allow_nan=True).reindex(on.index)[on]
            out["mean"] = v.groupby(spell).mean().to_numpy()
        return out[out["periods"] >= n_min].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Smoothed probabilities with the most likely regime."""
        out = self.smoothed_probabilities.copy()
        out["regime"] = self.most_likely_regime
        return out

    def _repr_html_(self) -> str:
        return _html(
            self.regimes,
            f"Markov-switching regimes (high = {self.high_regime}), "
            f"nobs={self.nobs}, llf={self.llf:.2f}",
        )

    def chart(self, *, title: str | None = None) -> Any:
        """Area chart of the smoothed probability of the high regime over time.

        Returns
        -------
        altair.Chart
            Needs a DatetimeIndex on the fitted series.
        """
        from riskkit.charts.cycles import chart_regime_probability

        return chart_regime_probability(self, title=title)


def markov_regimes(
    x: pd.Series | ArrayLike,
    k_regimes: int = 2,
    *,
    order: int = 0,
    switching_variance: bool = True,
    order_by: Literal["mean", "variance"] = "mean",
    search_reps: int = 10,
    seed: Seed = 0,
) -> RegimeResult:
    r"""Fit a Markov-switching mean (and variance) model with statsmodels.

    Parameters
    ----------
    x : Series or array_like
        The series: an annualised funding rate (fraction per year) or returns (fraction per
        period). No NaN.
    k_regimes : int, default 2
        Number of regimes, >= 2.
    order : int, default 0
        Autoregressive order. 0 uses ``MarkovRegression`` (switching mean); >= 1 uses
        ``MarkovAutoregression`` (switching mean, AR coefficients common to the regimes).
    switching_variance : bool, default True
        Whether the variance switches with the regime.
    order_by : {"mean", "variance"}, default "mean"
        Which parameter defines :attr:`RegimeResult.high_regime` (mean for funding, variance
        for returns).
    search_reps : int, default 10
        Random starting values tried before the EM and likelihood steps (statsmodels
        ``search_reps``); more make a global optimum likelier. 0 uses statsmodels' default
        start only, which can stop at a local optimum.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the search: an int or SeedSequence gives reproducible fits, a Generator is
        used as given, None draws fresh entropy. The caller's global numpy generator is left
        untouched.

    Returns
    -------
    RegimeResult
        Wraps the statsmodels result in ``.model_result``.

    Raises
    ------
    TypeError, ValueError
        For bad inputs.
    InsufficientDataError
        With fewer than ``20 * k_regimes + order`` observations.

    See Also
    --------
    statsmodels.tsa.regime_switching.markov_regression.MarkovRegression
    statsmodels.tsa.regime_switching.markov_autoregression.MarkovAutoregression

    Notes
    -----
    With :math:`S_t \in \{0, .., k-1\}` a Markov chain with
    :math:`p_{ij} = P(S_t = j \mid S_{t-1} = i)`:

    .. math:: y_t - \mu_{S_t} = \sum_{l=1}^{q} \phi_l (y_{t-l} - \mu_{S_{t-l}})
              + \varepsilon_t, \qquad \varepsilon_t \sim N(0, \sigma^2_{S_t}),

    with :math:`q` = ``order`` (the sum is absent for 0). The expected duration of regime
    :math:`j` is :math:`1 / (1 - p_{jj})` observations.

    References
    ----------
    Hamilton, J. D. (1989). "A New Approach to the Economic Analysis of Nonstationary Time
    Series and the Business Cycle". Econometrica 57(2), 357-384. https://doi.org/10.2307/1912559

    Kim, C.-J. and Nelson, C. R. (1999). State-Space Models with Regime Switching. MIT Press.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[rng.normal(0.0, 1, 100), rng.normal(5.0, 1, 100), rng.normal(0.0, 1, 100)]
    >>> res = markov_regimes(y)
    >>> round(float(res.regimes.loc[res.high_regime, "const"]))
    5
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.regime_switching.markov_autoregression import MarkovAutoregression
    from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

    k = _check_int(k_regimes, "k_regimes", 2)
    q = _check_int(order, "order", 0)
    _check_int(search_reps, "search_reps", 0)
    check_option(order_by, "order_by", ("mean", "variance"))
    y = _series(x, "x")
    need = 20 * k + q
    if len(y) < need:
        raise InsufficientDataError(
            f"markov_regimes needs at least {need} observations for {k} regimes and order {q}; "
            f"got {len(y)}"
        )
    if not np.nanstd(y.to_numpy()) > 0:
        raise ValueError(
            f"x must vary to have regimes; got a constant series ({y.iloc[0]:g} at all "
            f"{len(y)} observations)"
        )
    endog: Any = y if isinstance(x, pd.Series) else y.to_numpy()
    if (
        isinstance(endog, pd.Series)
        and isinstance(endog.index, pd.DatetimeIndex)
        and endog.index.freq is None
    ):
        endog = endog.reset_index(drop=True)  # statsmodels wants a frequency; keep ours below
    if q == 0:
        model: Any = MarkovRegression(
            endog, k_regimes=k, trend="c", switching_variance=switching_variance
        )
    else:
        model = MarkovAutoregression(
            endog,
            k_regimes=k,
            order=q,
            trend="c",
            switching_ar=False,
            switching_variance=switching_variance,
        )
    fit_kw: dict[str, Any] = {"disp": False, "search_reps": search_reps}
    legacy_rng = "rng" not in inspect.signature(model.fit).parameters  # statsmodels < 0.15
    seed_arg: Any = seed
    if seed is not None:
        rng = as_generator(seed)  # type and range check
        if not isinstance(seed, int | np.integer):
            seed_arg = int(rng.integers(2**32)) if legacy_rng else rng
        else:
            seed_arg = int(seed)
    if not legacy_rng:
        fit_kw["rng"] = seed_arg
    saved = np.random.get_state() if legacy_rng else None  # noqa: NPY002
    try:
        if legacy_rng and seed_arg is not None:
            np.random.seed(seed_arg)  # old statsmodels draws from the global generator  # noqa: NPY002
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("always", ConvergenceWarning)
            res = model.fit(**fit_kw)
        converged = not any(issubclass(m.category, ConvergenceWarning) for m in caught)
        for m in caught:  # anything else the fit raised still reaches the caller
            if not issubclass(m.category, ConvergenceWarning):
                warnings.warn(m.message, m.category, stacklevel=user_stacklevel())
    finally:
        if saved is not None:
            np.random.set_state(saved)  # leave the caller's global generator untouched  # noqa: NPY002
    names = list(model.param_names)
    params = np.asarray(res.params)
    pos = dict(zip(names, range(len(names)), strict=True))
    const = np.array([params[pos[f"const[{j}]"]] for j in range(k)])
    sig = np.array(
        [params[pos[f"sigma2[{j}]" if switching_variance else "sigma2"]] for j in range(k)]
    )
    tm = np.asarray(model.regime_transition_matrix(params))[..., 0]  # [to, from]
    trans = tm.T
    cols = [f"regime_{j}" for j in range(k)]
    idx_out = y.index[q:]
    smoothed = pd.DataFrame(
        np.asarray(res.smoothed_marginal_probabilities), index=idx_out, columns=cols
    )
    filtered = pd.DataFrame(
        np.asarray(res.filtered_marginal_probabilities), index=idx_out, columns=cols
    )
    regimes = pd.DataFrame(
        {
            "const": const,
            "sigma2": sig,
            "persistence": np.diag(trans),
            "expected_duration": np.asarray(res.expected_durations, dtype=float),
            "share": smoothed.mean().to_numpy(),
        },
        index=pd.RangeIndex(k, name="regime"),
    )
    high = int(np.argmax(const if order_by == "mean" else sig))
    collapsed: tuple[int, ...] = ()
    if switching_variance:
        sd = np.sqrt(np.maximum(sig, 0.0))
        collapsed = tuple(int(j) for j in np.flatnonzero(sd < REGIME_COLLAPSE * sd.max()))
    if not converged and not collapsed:
        warnings.warn(
            f"markov_regimes: the likelihood optimiser did not converge on {len(y)} "
            f"observations with {k} regimes; the estimates may sit on a flat ridge and move "
            "from one machine to the next. Raise search_reps, fit fewer regimes or use "
            "switching_variance=False.",
            BoundaryEstimateWarning,
            stacklevel=user_stacklevel(),
        )
    if collapsed:
        vals = y.to_numpy()
        mode_share = float(pd.Series(vals).value_counts(normalize=True).iloc[0])
        warnings.warn(
            f"markov_regimes: the variance of regime(s) {list(collapsed)} collapsed to about "
            f"zero (sd {', '.join(f'{np.sqrt(max(sig[j], 0)):.3g}' for j in collapsed)} against "
            f"{sd.max():.3g}); {mode_share:.0%} of the observations share one value, so the fit "
            "sits on the boundary and its variance and transition estimates are not "
            "identified. Report the regime as a point mass, or fit fewer regimes, "
            "switching_variance=False, or a series without the pinned value.",
            BoundaryEstimateWarning,
            stacklevel=user_stacklevel(),
        )
    transition = pd.DataFrame(
        trans, index=pd.RangeIndex(k, name="from"), columns=pd.RangeIndex(k, name="to")
    )
    return RegimeResult(
        model_result=res,
        smoothed_probabilities=smoothed,
        filtered_probabilities=filtered,
        regimes=regimes,
        transition=transition,
        high_regime=high,
        collapsed_regimes=collapsed,
    )
