"""Historical survival over a panel of symbols, one Dask task per symbol.

:func:`panel_survival` runs :func:`~riskkit.survival.historical_survival` (the leverage x
horizon survival map) and :func:`panel_time_to_liquidation` runs
:func:`~riskkit.survival.time_to_liquidation` on every symbol of a mapping of frames or of a
hive-partitioned Parquet dataset (``ROOT/<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/``). Each task
reads its own symbol's partition and sends back a few small tables, so a worker holds one
symbol's bars at a time and the driver never holds the bars at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from riskkit.exceptions import InsufficientDataError
from riskkit.scale._cluster import run_tasks
from riskkit.scale._dataset import _bound, _load, _sources
from riskkit.survival import historical_survival, time_to_liquidation
from riskkit.survival._common import _horizons, _leverages, _mmr, _side

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.survival import HistoricalSurvival

__all__ = [
    "PanelLiquidation",
    "PanelSurvival",
    "panel_survival",
    "panel_time_to_liquidation",
]


# --------------------------------------------------------------------------------------------
# tasks (module level and picklable: they run on the workers)
# --------------------------------------------------------------------------------------------


def _bars(
    symbol: str, source: Any, entry_column: str, start: Any, end: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index, int]:
    try:
        high, low, entry, index, dropped = _load(source, entry_column, start, end)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"symbol {symbol!r}: {exc}") from exc
    if entry.size < 2:
        raise InsufficientDataError(
            f"symbol {symbol!r}: the analysis needs at least 2 complete bars; got {entry.size}"
        )
    return high, low, entry, index, dropped


def _span(index: pd.Index) -> tuple[Any, Any]:
    if isinstance(index, pd.DatetimeIndex) and len(index):
        return index[0], index[-1]
    return None, None


def _survival_task(
    symbol: str,
    source: Any,
    levs: np.ndarray,
    hz: np.ndarray,
    side: str,
    m: float,
    entry_column: str,
    start: Any,
    end: Any,
) -> dict[str, Any]:
    """One symbol's survival map plus the counts that pool it exactly with other symbols."""
    high, low, entry, index, dropped = _bars(symbol, source, entry_column, start, end)
    res = historical_survival(high, low, entry, levs, hz, side, m)
    tau = res.durations.to_numpy()
    n = entry.size
    top = int(hz.max())
    censor = (n - 1 - np.arange(n)).astype(np.float64)
    events = np.zeros((levs.size, top + 1), dtype=np.int64)
    exits = np.zeros((levs.size, top + 1), dtype=np.int64)
    longest = np.zeros(levs.size)
    for j in range(levs.size):
        observed = ~np.isnan(tau[:, j])
        dur = np.where(observed, tau[:, j], censor).astype(np.int64)
        events[j] = np.bincount(dur[observed & (dur <= top)], minlength=top + 1)
        exits[j] = np.bincount(np.minimum(dur, top + 1), minlength=top + 2)[: top + 1]
        longest[j] = dur.max()
    first, last = _span(index)
    return {
        "surv_prob": res.surv_prob.to_numpy(),
        "surv_prob_se": res.surv_prob_se.to_numpy(),
        "n_risk": res.n_risk.to_numpy(),
        "nobs": n,
        "dropped": dropped,
        "events": events,
        "exits": exits,
        "longest": longest,
        "first": first,
        "last": last,
    }


def _liquidation_task(
    symbol: str,
    source: Any,
    levs: np.ndarray,
    side: str,
    m: float,
    entry_column: str,
    start: Any,
    end: Any,
    keep: bool,
) -> dict[str, Any]:
    """One symbol's time-to-liquidation statistics (and the durations if asked)."""
    high, low, entry, index, dropped = _bars(symbol, source, entry_column, start, end)
    tau = time_to_liquidation(high, low, entry, levs, side, m).to_numpy()
    observed = ~np.isnan(tau)
    count = observed.sum(axis=0)
    with np.errstate(invalid="ignore"):
        stats = {
            "liquidated": count,
            "mean_bars": np.where(count > 0, np.nansum(tau, axis=0) / np.maximum(count, 1), np.nan),
            "median_bars": np.array(
                [
                    np.median(tau[observed[:, j], j]) if count[j] else np.nan
                    for j in range(levs.size)
                ]
            ),
            "min_bars": np.array(
                [tau[observed[:, j], j].min() if count[j] else np.nan for j in range(levs.size)]
            ),
        }
    first, last = _span(index)
    out: dict[str, Any] = {
        "stats": stats,
        "nobs": entry.size,
        "dropped": dropped,
        "first": first,
        "last": last,
    }
    if keep:
        out["durations"] = pd.DataFrame(tau, index=index, columns=pd.Index(levs, name="leverage"))
    return out


# --------------------------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------------------------


def _pooled_km(
    events: np.ndarray, exits: np.ndarray, nobs: int, longest: float, hz: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan-Meier at ``hz`` from event and exit counts per bar ``t = 0..max(hz)``."""
    at_risk = nobs - np.concatenate([[0], np.cumsum(exits)[:-1]])
    hit = events > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(hit, 1.0 - events / np.where(hit, at_risk, 1), 1.0)
        green = np.cumsum(np.where(hit, events / (at_risk * (at_risk - events)), 0.0))
    surv = np.cumprod(factor)
    with np.errstate(invalid="ignore"):
        se = surv * np.sqrt(green)
    s, ss = surv[hz], se[hz]
    n_risk = nobs - np.concatenate([[0], np.cumsum(exits)])[hz]
    unknown = (hz > longest) & (s > 0.0)
    return np.where(unknown, np.nan, s), np.where(unknown, np.nan, ss), n_risk


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _MapView:
    """The fields :func:`riskkit.charts.survival.chart_historical_survival` reads."""

    surv_prob: pd.DataFrame
    n_risk: pd.DataFrame
    side: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"surv_prob": self.surv_prob.stack(), "n_risk": self.n_risk.stack()})


@dataclass(frozen=True, slots=True)
class PanelSurvival:
    """Historical survival maps (leverage x horizon) of many symbols, and their pooled map.

    Attributes
    ----------
    surv_prob : pandas.DataFrame
        Kaplan-Meier probability that a position is still open after ``h`` bars; rows
        ``(symbol, leverage)``, columns ``horizon`` (bars). Each symbol's rows equal
        :func:`~riskkit.survival.historical_survival` on that symbol's bars.
    surv_prob_se : pandas.DataFrame
        Greenwood standard errors (understated: overlapping entries are not independent).
    n_risk : pandas.DataFrame
        Entries still observed at each horizon.
    pooled_surv_prob, pooled_surv_prob_se, pooled_n_risk : pandas.DataFrame
        The same for the entries of every symbol together (rows ``leverage``).
    nobs : pandas.Series
        Complete bars (entries) per symbol.
    dropped : pandas.Series
        Bars dropped per symbol because a high, low or entry price was missing.
    first, last : pandas.Series
        Time of each symbol's first and last bar used (NaT without a DatetimeIndex).
    side : str
    maintenance_margin_rate : float
    backend : str
        Where the tasks ran: ``"in-process"``, ``"LocalCluster (2 workers)"``, ...
    n_workers : int
    elapsed : float
        Wall time, seconds (cluster start included).
    """

    surv_prob: pd.DataFrame
    surv_prob_se: pd.DataFrame
    n_risk: pd.DataFrame
    pooled_surv_prob: pd.DataFrame
    pooled_surv_prob_se: pd.DataFrame
    pooled_n_risk: pd.DataFrame
    nobs: pd.Series
    dropped: pd.Series
    first: pd.Series
    last: pd.Series
    side: str
    maintenance_margin_rate: float
    backend: str
    n_workers: int
    elapsed: float

    @property
    def symbols(self) -> list[str]:
        """The symbols analysed, sorted."""
        return list(self.nobs.index)

    def symbol(self, symbol: str) -> pd.DataFrame:
        """One symbol's leverage x horizon table of survival probabilities."""
        if symbol not in self.nobs.index:
            raise ValueError(f"symbol must be one of {self.symbols}; got {symbol!r}")
        return cast(pd.DataFrame, self.surv_prob.xs(symbol, level="symbol"))

    @property
    def liquidation_prob(self) -> pd.DataFrame:
        """``1 - surv_prob``: probability of liquidation within each horizon."""
        return 1.0 - self.surv_prob

    def summary(self) -> pd.DataFrame:
        """The pooled leverage x horizon map, then one block of rows per symbol."""
        pooled = pd.concat({"(pooled)": self.pooled_surv_prob}, names=["symbol"])
        return pd.concat([pooled, self.surv_prob])

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (symbol, leverage, horizon)."""
        return pd.DataFrame(
            {
                "surv_prob": self.surv_prob.stack(),
                "surv_prob_se": self.surv_prob_se.stack(),
                "n_risk": self.n_risk.stack(),
            }
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p>Panel survival, {len(self.nobs)} symbols, {self.side}, maintenance margin rate "
            f"{self.maintenance_margin_rate:g}, {int(self.nobs.sum()):,} entries, "
            f"{self.backend}</p>"
        )
        return head + self.summary().to_html(float_format="{:.3f}".format, max_rows=60)

    def chart(self, symbols: Sequence[str] | None = None, title: str | None = None) -> alt.Chart:
        """Heat map of survival, leverage x horizon: pooled, or one panel per given symbol."""
        from riskkit.charts.survival import chart_historical_survival

        if symbols is None:
            view = _MapView(self.pooled_surv_prob, self.pooled_n_risk, self.side)
        else:
            for s in symbols:
                self.symbol(s)
            rows = self.surv_prob.index.get_level_values("symbol").isin(list(symbols))
            prob = self.surv_prob[rows].rename_axis(index=["group", "leverage"])
            risk = self.n_risk[rows].rename_axis(index=["group", "leverage"])
            view = _MapView(prob, risk, self.side)
        return chart_historical_survival(cast("HistoricalSurvival", view), title)


@dataclass(frozen=True, slots=True)
class PanelLiquidation:
    """Historical time to liquidation of positions opened at every bar, for many symbols.

    Attributes
    ----------
    stats : pandas.DataFrame
        Rows ``(symbol, leverage)``; columns ``entries`` (bars with a position opened),
        ``liquidated`` (entries liquidated before the data end), ``censored`` (the others),
        ``liquidated_fraction`` (``liquidated / entries``, biased low by censoring near the
        end), ``mean_bars``, ``median_bars``, ``min_bars`` (bars to liquidation of the
        liquidated entries; NaN if none).
    durations : mapping of str to pandas.DataFrame or None
        Per symbol, the output of :func:`~riskkit.survival.time_to_liquidation` (bars, NaN =
        censored) when ``keep_durations=True``; None otherwise (the default, so the driver
        never holds per-bar data).
    nobs, dropped, first, last : pandas.Series
        As in :class:`PanelSurvival`.
    side : str
    maintenance_margin_rate : float
    backend : str
    n_workers : int
    elapsed : float
    """

    stats: pd.DataFrame
    durations: Mapping[str, pd.DataFrame] | None
    nobs: pd.Series
    dropped: pd.Series
    first: pd.Series
    last: pd.Series
    side: str
    maintenance_margin_rate: float
    backend: str
    n_workers: int
    elapsed: float

    def summary(self) -> pd.DataFrame:
        """The ``stats`` table."""
        return self.stats

    def to_frame(self) -> pd.DataFrame:
        """Same as :meth:`summary`."""
        return self.stats

    def _repr_html_(self) -> str:
        head = (
            f"<p>Panel time to liquidation, {len(self.nobs)} symbols, {self.side}, "
            f"{self.backend}</p>"
        )
        return head + self.stats.to_html(float_format="{:.3f}".format, max_rows=60)


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


def _symbol_series(symbols: list[str], values: list[Any], name: str) -> pd.Series:
    return pd.Series(values, index=pd.Index(symbols, name="symbol"), name=name)


def _time_series(symbols: list[str], values: list[Any], name: str) -> pd.Series:
    return pd.Series(
        pd.DatetimeIndex([pd.NaT if v is None else v for v in values], tz="UTC"),
        index=pd.Index(symbols, name="symbol"),
        name=name,
    )


def _check_entry_column(entry_column: Any) -> str:
    if not isinstance(entry_column, str):
        raise TypeError(f"entry_column must be a column name (str); got {entry_column!r}")
    return entry_column


def panel_survival(
    data: Any,
    leverage: Any,
    horizon: Any,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    entry_column: str = "close",
    symbols: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    kind: str | None = None,
    client: Any = None,
    n_workers: int = 2,
    cluster_options: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> PanelSurvival:
    """Historical survival map (leverage x horizon) of every symbol of a panel, on Dask.

    Parameters
    ----------
    data : mapping or path
        ``{symbol: DataFrame}`` of bars with ``high``, ``low`` and ``entry_column`` (price
        units, > 0, in time order), ``{symbol: Series}`` of prices (high = low = price:
        closes only), or the path of a Parquet dataset laid out as
        ``<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/part-0.parquet`` (UTC ``timestamp`` column,
        ``open``, ``high``, ``low``, ``close``, ``volume``), either the ``<kind>`` directory or
        its parent with ``kind=``.
    leverage : float or sequence of float
        Leverages (notional / margin), > 0.
    horizon : int or sequence of int
        Horizons in bars, >= 1.
    side : {"long", "short"}
        Direction of the positions.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    entry_column : str, default "close"
        Column whose price opens the position at each bar.
    symbols : sequence of str, optional
        Analyse these symbols only (default: all, sorted).
    start, end : date or timestamp, optional
        Keep bars with ``start <= time <= end`` (UTC; naive times are read as UTC). On a
        dataset, months outside the range are not read at all.
    kind : str, optional
        Sub-directory of the dataset root (e.g. ``"klines"``); only with a path.
    client : None, "in-process" or distributed.Client
        Where the per-symbol tasks run: ``None`` starts a local cluster of ``n_workers``
        processes for this call (in-process with an
        :class:`~riskkit.exceptions.InProcessWarning` when Dask is not installed),
        ``"in-process"`` runs them here, a client runs them on its cluster.
    n_workers : int, default 2
        Workers of the local cluster started when ``client=None``.
    cluster_options : mapping, optional
        More :class:`distributed.LocalCluster` options for that cluster, e.g.
        ``{"memory_limit": "1GiB"}`` (per worker).
    progress : bool
        Show a :mod:`tqdm` progress bar over symbols.

    Returns
    -------
    PanelSurvival

    Raises
    ------
    ValueError
        For invalid leverages, horizons, side, rate, unknown symbols, a missing column or a
        dataset path without ``symbol=`` partitions (the symbol is named in the message).
    TypeError
        If ``data``, ``client`` or ``entry_column`` has the wrong type.
    InsufficientDataError
        If a symbol has fewer than 2 complete bars.

    See Also
    --------
    riskkit.survival.historical_survival : the analysis of one symbol.
    panel_time_to_liquidation : bars to liquidation per symbol.

    Notes
    -----
    Per symbol the map is :func:`~riskkit.survival.historical_survival`,
    :math:`\\hat S_L(h) = \\prod_{t \\le h}(1 - d_t/n_t)` over the entries of that symbol (bars
    with a missing price are dropped first and counted in ``dropped``). The pooled map is the
    Kaplan-Meier estimator on the durations of all symbols together (each symbol censored at
    its own end),

    .. math::

        \\hat S^{\\mathrm{pool}}_L(h) = \\prod_{t \\le h}\\Bigl(1 -
        \\frac{\\sum_s d_{s,t}}{\\sum_s n_{s,t}}\\Bigr),

    with :math:`d_{s,t}` the entries of symbol :math:`s` liquidated after exactly :math:`t`
    bars and :math:`n_{s,t}` those still observed at :math:`t`. Each task returns its counts
    :math:`d_{s,t}` and exits for :math:`t \\le \\max h`, so pooling is exact and needs no
    per-bar data in the driver. A task's memory is that of one symbol: about
    :math:`8N(\\lceil\\log_2 N\\rceil + 2 + |L|)` bytes for :math:`N` bars (the sparse table
    of :func:`~riskkit.survival.time_to_liquidation`).

    References
    ----------
    E. L. Kaplan and P. Meier (1958), "Nonparametric estimation from incomplete observations",
    JASA 53(282), 457-481, doi:10.1080/01621459.1958.10501452.
    M. Rocklin (2015), "Dask: parallel computation with blocked algorithms and task
    scheduling", Proc. 14th Python in Science Conf., 126-132, doi:10.25080/Majora-7b98e3ed-013.

    Examples
    --------
    Two symbols, closes only. A 2x long from 100 is liquidated at 100 x 0.5 / 0.995 = 50.25:
    AAA's entries last 3 and 2 bars (liquidated) and 2, 1, 0 bars (censored), so
    :math:`\\hat S(3) = (1 - 1/3)(1 - 1/1) = 0`; pooled with BBB's five censored entries,
    :math:`\\hat S(3) = (1 - 1/6)(1 - 1/3) = 5/9`:

    >>> import pandas as pd
    >>> data = {"AAA": pd.Series([100.0, 100.0, 85.0, 50.0, 65.0]),
    ...         "BBB": pd.Series([100.0, 101.0, 102.0, 103.0, 104.0])}
    >>> res = panel_survival(data, [2.0], [1, 3], client="in-process")
    >>> res.surv_prob.round(3)
    horizon            1    3
    symbol leverage
    AAA    2.0       1.0  0.0
    BBB    2.0       1.0  1.0
    >>> res.pooled_surv_prob.round(3)
    horizon     1      3
    leverage
    2.0       1.0  0.556
    """
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    _side(side)
    m = _mmr(maintenance_margin_rate)
    entry_column = _check_entry_column(entry_column)
    t0, t1 = _bound(start, "start"), _bound(end, "end")
    pairs = _sources(data, kind=kind, symbols=symbols, start=t0, end=t1)
    names = [s for s, _ in pairs]
    run = run_tasks(
        _survival_task,
        [(s, src, levs, hz, side, m, entry_column, t0, t1) for s, src in pairs],
        client=client,
        n_workers=n_workers,
        cluster_options=cluster_options,
        feature="panel_survival",
        keys=names,
        progress=progress,
    )
    out = run.outputs
    rows = pd.MultiIndex.from_product([names, levs], names=["symbol", "leverage"])
    cols = pd.Index(hz, name="horizon")

    def stack(field: str) -> pd.DataFrame:
        return pd.DataFrame(np.vstack([o[field] for o in out]), index=rows, columns=cols)

    nobs_total = int(sum(o["nobs"] for o in out))
    events = np.sum([o["events"] for o in out], axis=0)
    exits = np.sum([o["exits"] for o in out], axis=0)
    longest = np.max([o["longest"] for o in out], axis=0)
    pooled = [_pooled_km(events[j], exits[j], nobs_total, longest[j], hz) for j in range(levs.size)]
    lidx = pd.Index(levs, name="leverage")
    return PanelSurvival(
        surv_prob=stack("surv_prob"),
        surv_prob_se=stack("surv_prob_se"),
        n_risk=stack("n_risk"),
        pooled_surv_prob=pd.DataFrame([p[0] for p in pooled], index=lidx, columns=cols),
        pooled_surv_prob_se=pd.DataFrame([p[1] for p in pooled], index=lidx, columns=cols),
        pooled_n_risk=pd.DataFrame([p[2] for p in pooled], index=lidx, columns=cols),
        nobs=_symbol_series(names, [o["nobs"] for o in out], "nobs"),
        dropped=_symbol_series(names, [o["dropped"] for o in out], "dropped"),
        first=_time_series(names, [o["first"] for o in out], "first"),
        last=_time_series(names, [o["last"] for o in out], "last"),
        side=side,
        maintenance_margin_rate=m,
        backend=run.backend,
        n_workers=run.n_workers,
        elapsed=run.elapsed,
    )


def panel_time_to_liquidation(
    data: Any,
    leverage: Any,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    entry_column: str = "close",
    symbols: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    kind: str | None = None,
    keep_durations: bool = False,
    client: Any = None,
    n_workers: int = 2,
    cluster_options: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> PanelLiquidation:
    """Bars until liquidation of positions opened at every bar, for every symbol, on Dask.

    Parameters
    ----------
    data, side, maintenance_margin_rate, entry_column, symbols, start, end, kind
        As in :func:`panel_survival`.
    leverage : float or sequence of float
        Leverages (notional / margin), > 0.
    keep_durations : bool, default False
        Also return every symbol's per-bar durations (then the driver holds
        :math:`8 N |L|` bytes per symbol of :math:`N` bars).
    client, n_workers, cluster_options, progress
        As in :func:`panel_survival`.

    Returns
    -------
    PanelLiquidation

    Raises
    ------
    ValueError, TypeError, InsufficientDataError
        As in :func:`panel_survival`.

    See Also
    --------
    riskkit.survival.time_to_liquidation : the scan on one symbol.

    Notes
    -----
    For each symbol, :math:`\\tau_t` is :func:`~riskkit.survival.time_to_liquidation`, the
    first :math:`h \\ge 1` with :math:`\\ell_{t+h} \\le E_t(1 - 1/L)/(1 - m)` for a long
    (:math:`u_{t+h} \\ge E_t(1 + 1/L)/(1 + m)` for a short; :math:`\\ell, u` the bar low and
    high, :math:`E_t` the entry price, :math:`L` the leverage, :math:`m` the maintenance margin
    rate), and the statistics are over the liquidated entries,
    :math:`\\bar\\tau = \\frac{1}{k}\\sum_{t:\\tau_t<\\infty}\\tau_t` with :math:`k` their
    number. Censoring (entries near the data end) makes ``liquidated_fraction`` a lower bound
    of the liquidation probability; use :func:`panel_survival` for a censoring-aware answer.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> import pandas as pd
    >>> data = {"AAA": pd.Series([100.0, 100.0, 85.0, 50.0, 65.0])}
    >>> res = panel_time_to_liquidation(data, 2.0, client="in-process")
    >>> res.stats[["entries", "liquidated", "median_bars"]]
                     entries  liquidated  median_bars
    symbol leverage
    AAA    2.0             5           2          2.5
    """
    levs, _ = _leverages(leverage)
    _side(side)
    m = _mmr(maintenance_margin_rate)
    entry_column = _check_entry_column(entry_column)
    if not isinstance(keep_durations, bool):
        raise TypeError(f"keep_durations must be True or False; got {keep_durations!r}")
    t0, t1 = _bound(start, "start"), _bound(end, "end")
    pairs = _sources(data, kind=kind, symbols=symbols, start=t0, end=t1)
    names = [s for s, _ in pairs]
    run = run_tasks(
        _liquidation_task,
        [(s, src, levs, side, m, entry_column, t0, t1, keep_durations) for s, src in pairs],
        client=client,
        n_workers=n_workers,
        cluster_options=cluster_options,
        feature="panel_time_to_liquidation",
        keys=names,
        progress=progress,
    )
    out = run.outputs
    rows = pd.MultiIndex.from_product([names, levs], names=["symbol", "leverage"])
    entries = np.repeat([o["nobs"] for o in out], levs.size)
    liquidated = np.concatenate([o["stats"]["liquidated"] for o in out])
    stats = pd.DataFrame(
        {
            "entries": entries,
            "liquidated": liquidated,
            "censored": entries - liquidated,
            "liquidated_fraction": liquidated / entries,
            **{
                k: np.concatenate([o["stats"][k] for o in out])
                for k in ("mean_bars", "median_bars", "min_bars")
            },
        },
        index=rows,
    )
    durations = (
        MappingProxyType({s: o["durations"] for s, o in zip(names, out, strict=True)})
        if keep_durations
        else None
    )
    return PanelLiquidation(
        stats=stats,
        durations=durations,
        nobs=_symbol_series(names, [o["nobs"] for o in out], "nobs"),
        dropped=_symbol_series(names, [o["dropped"] for o in out], "dropped"),
        first=_time_series(names, [o["first"] for o in out], "first"),
        last=_time_series(names, [o["last"] for o in out], "last"),
        side=side,
        maintenance_margin_rate=m,
        backend=run.backend,
        n_workers=run.n_workers,
        elapsed=run.elapsed,
    )
