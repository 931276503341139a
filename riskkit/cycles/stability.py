"""Stability of deleveraging episodes over a grid of detector parameters.

Part of :mod:`riskkit.cycles`; import the public names from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from riskkit._typing import ArrayLike
from riskkit._validation import as_float_array, check_time_index
from riskkit.cycles._common import Window, _html
from riskkit.cycles.episodes import EPISODE_PRESETS, EpisodeTable, deleveraging_episodes

__all__ = ["EpisodeStability", "episode_stability"]


@dataclass(frozen=True, slots=True)
class EpisodeStability:
    """Episodes found over a grid of detector parameters (:func:`episode_stability`).

    Attributes
    ----------
    grid : DataFrame
        One row per parameter combination: ``drop``, ``window``, ``price_drop``,
        ``n_episodes``, and one boolean column per reference episode (``found_<start>``) saying
        whether an episode with a trough inside the reference episode's [start, end] was found.
    reference : EpisodeTable
        The episodes found with the base parameters.
    tables : dict
        The :class:`EpisodeTable` of each grid point, keyed by ``(drop, window, price_drop)``.
    """

    grid: pd.DataFrame
    reference: EpisodeTable
    tables: dict[tuple[Any, ...], EpisodeTable] = field(repr=False)

    @property
    def share_found(self) -> pd.Series:
        """Share of grid points that found each reference episode (1.0 = fully stable)."""
        cols = [c for c in self.grid.columns if c.startswith("found_")]
        return self.grid[cols].mean().rename("share_found")

    def summary(self) -> pd.DataFrame:
        """The reference episodes with the share of grid points that found each."""
        out = self.reference.episodes.copy()
        out["share_found"] = self.share_found.to_numpy()
        return out

    def event_share(self, events: pd.DataFrame, tolerance: str = "3D") -> pd.Series:
        """Share of grid points whose episodes contain each catalogued event.

        Parameters
        ----------
        events : DataFrame
            A crash catalogue with a ``start`` column (as in :meth:`EpisodeTable.match_events`).
        tolerance : str, default "3D"
            Slack on both sides of each episode's [start, trough].

        Returns
        -------
        Series
            One value per event (same index as ``events``), in [0, 1]: the fraction of the grid's
            parameter sets at which :meth:`EpisodeTable.match_events` finds the event (1.0 =
            dated at every grid point; 0 also for events the proxy does not cover).

        Examples
        --------
        >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
        >>> proxy = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
        >>> stab = episode_stability(proxy, drops=[0.2, 0.5], windows=[3], price_drops=[0.0])
        >>> ev = pd.DataFrame({"start": pd.to_datetime(["2000-04-15"])})
        >>> stab.event_share(ev).tolist()
        [0.5]
        """
        found = [t.match_events(events, tolerance)["found"] for t in self.tables.values()]
        return pd.DataFrame(found).astype(float).mean().rename("share_found")

    def to_frame(self) -> pd.DataFrame:
        """The grid (a copy)."""
        return self.grid.copy()

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"Episode stability over {len(self.grid)} parameter sets")


def episode_stability(
    proxy: pd.Series,
    price: pd.Series | None = None,
    *,
    preset: Literal["margin_debt", "crypto", "funding"] = "margin_debt",
    drops: ArrayLike | None = None,
    windows: list[Window] | None = None,
    price_drops: ArrayLike | None = None,
    **kwargs: Any,
) -> EpisodeStability:
    r"""Run :func:`deleveraging_episodes` over a parameter grid and report what stays found.

    Parameters
    ----------
    proxy, price : Series
        As in :func:`deleveraging_episodes`.
    preset : {"margin_debt", "crypto", "funding"}, default "margin_debt"
        Base parameters; the reference episodes are found with them (and ``kwargs``).
    drops : array_like, optional
        Values of ``drop`` to try. Default: the base value and +/- 0.05 (relative scale) or
        the base value times 0.8, 1 and 1.2 (absolute scale).
    windows : list of int, str or Timedelta, optional
        Values of ``window``. Default: the base window times 2/3, 1 and 4/3.
    price_drops : array_like, optional
        Values of ``price_drop``. Default: the base value and +/- 0.05 (floored at 0).
    **kwargs
        Further arguments of :func:`deleveraging_episodes` for the reference (``drop``,
        ``window``, ``price_drop`` also centre the default grid; ``recovery`` and ``scale``
        stay fixed over the grid).

    Returns
    -------
    EpisodeStability
        ``.grid`` (one row per combination), ``.share_found`` per reference episode.

    Raises
    ------
    TypeError, ValueError
        As :func:`deleveraging_episodes`.

    See Also
    --------
    deleveraging_episodes

    Notes
    -----
    A reference episode :math:`e=(t_p, t_{tr}, t_e)` counts as found at a grid point if that
    grid point has an episode whose trough lies in :math:`[t_p, t_e]` (to the sample end if
    :math:`e` is open). The share of grid points that find :math:`e` measures its stability.

    References
    ----------
    Harding, D. and Pagan, A. (2002). "Dissecting the cycle: a methodological investigation".
    Journal of Monetary Economics 49(2), 365-381. https://doi.org/10.1016/S0304-3932(01)00108-8

    Examples
    --------
    >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
    >>> debt = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
    >>> episode_stability(debt).share_found.tolist()
    [1.0]
    """
    check_time_index(proxy, "proxy")
    check_time_index(price, "price")
    ref = deleveraging_episodes(proxy, price, preset=preset, **kwargs)
    base = ref.params
    if drops is None:
        d0 = base["drop"]
        drops_ = (
            [d0 - 0.05, d0, d0 + 0.05] if base["scale"] == "relative" else [0.8 * d0, d0, 1.2 * d0]
        )
    else:
        drops_ = as_float_array(drops, "drops").ravel().tolist()
    if windows is None:
        w0 = base["window"]
        if isinstance(w0, int | np.integer):
            w_int = int(w0)
            windows_: list[Window] = [max(1, round(w_int * 2 / 3)), w_int, round(w_int * 4 / 3)]
        else:
            td = pd.Timedelta(w0)
            windows_ = [td * 2 / 3, td, td * 4 / 3]
    else:
        windows_ = list(windows)
    if price is None:
        pdrops: list[float | None] = [None]
    elif price_drops is None:
        p0 = (
            EPISODE_PRESETS[preset]["price_drop"]
            if base["price_drop"] is None
            else base["price_drop"]
        )
        pdrops = [max(0.0, p0 - 0.05), p0, p0 + 0.05]
    else:
        pdrops = list(as_float_array(price_drops, "price_drops").ravel())
    fixed = {k: v for k, v in kwargs.items() if k not in ("drop", "window", "price_drop")}
    ref_tab = ref.episodes
    is_time = isinstance(proxy.index, pd.DatetimeIndex)
    last = proxy.index[-1]
    rows = []
    tables: dict[tuple[Any, ...], EpisodeTable] = {}
    for d in drops_:
        for w in windows_:
            for pdp in pdrops:
                res = deleveraging_episodes(
                    proxy, price, preset=preset, drop=d, window=w, price_drop=pdp, **fixed
                )
                tables[(d, w, pdp)] = res
                troughs = res.episodes["trough"]
                row: dict[str, Any] = {
                    "drop": d,
                    "window": w,
                    "price_drop": pdp,
                    "n_episodes": len(res),
                }
                for _, e in ref_tab.iterrows():
                    stop = e["end"] if not pd.isna(e["end"]) else last
                    hit = bool(((troughs >= e["start"]) & (troughs <= stop)).any())
                    key = e["start"].date().isoformat() if is_time else str(e["start"])
                    row[f"found_{key}"] = hit
                rows.append(row)
    return EpisodeStability(grid=pd.DataFrame(rows), reference=ref, tables=tables)
