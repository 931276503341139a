"""Auto-deleveraging in a cascade: the insurance fund, its exhaustion and who is closed.

:func:`simulate_adl` extends a cascade of :func:`~riskkit.cascade.simulate_cascade` with an
insurance fund: liquidations that fill past their bankruptcy price draw on it, fills better than
bankruptcy pay into it, and once it is empty the rest of each deficit is covered by
auto-deleveraging (ADL) the opposite side's profitable positions in the venue's ranking order,
closed at the bankruptcy price of the liquidated position. :func:`adl_probability` repeats it
over sampled shocks, depths, fund sizes and books, and reports the probability of being
deleveraged by ADL light (1-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import scalar_array
from riskkit._random import Seed, as_generator
from riskkit._typing import FloatArray
from riskkit._validation import as_float_array, check_option, check_positive
from riskkit.cascade._common import _frozen, _html
from riskkit.cascade.book import PositionBook
from riskkit.cascade.impact import PriceImpact
from riskkit.cascade.simulate import CascadeResult, simulate_cascade
from riskkit.liquidation.adl import (
    adl_quantile,
    adl_ranking,
    adl_ranking_binance,
    effective_leverage,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["ADL_RANKINGS", "AdlProbability", "AdlResult", "adl_probability", "simulate_adl"]

#: Ranking rules :func:`simulate_adl` accepts: Binance "LeveragePnL", BitMEX and Bybit
#: "PnL% x effective leverage" (the same formula on both venues).
ADL_RANKINGS = ("binance", "bitmex", "bybit")


def _adl_score(book: PositionBook, price: float, ranking: str) -> FloatArray:
    """ADL score of every position of ``book`` at mark ``price`` (higher = closed first)."""
    s, e, q, lev = book.sign, book.entry_price, book.size, book.leverage
    upnl = s * q * (price - e)
    if ranking == "binance":
        mm = book.maintenance_margin_rate * q * price
        return np.asarray(adl_ranking_binance(upnl, q * e / lev, mm), dtype=np.float64)
    bankrupt = e * (1.0 - s / lev)
    lev_eff = np.asarray(effective_leverage(s * q * price, s * q * bankrupt), dtype=np.float64)
    lev_eff = np.where(np.isfinite(lev_eff) & (lev_eff > 0), lev_eff, np.finfo(float).max)
    return np.asarray(adl_ranking(s * (price - e) / e, lev_eff), dtype=np.float64)


def _side_lights(book: PositionBook, price: float, ranking: str) -> np.ndarray:
    """ADL light (1-5) of every position among the positions of its own side."""
    score = _adl_score(book, price, ranking)
    light = np.zeros(len(book), dtype=np.int64)
    for sgn in (1.0, -1.0):
        m = book.sign == sgn
        if m.any():
            light[m] = adl_quantile(score[m])
    return light


# --------------------------------------------------------------------------------------------
# one cascade with an insurance fund
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AdlResult:
    """Outcome of :func:`simulate_adl`.

    Attributes
    ----------
    cascade : CascadeResult
        The underlying cascade (prices, notional liquidated per round).
    insurance_fund : float
        Fund balance before the shock (quote currency).
    ranking : str
        ADL ranking rule used (one of :data:`ADL_RANKINGS`).
    deficit, surplus, fund_draw, adl_amount, uncovered : ndarray
        Per round, quote currency: loss beyond bankruptcy of the round's liquidations, equity
        left at fills better than bankruptcy (paid into the fund when ``surplus_to_fund``),
        deficit paid by the fund, deficit covered by ADL, and deficit nobody covered (no
        profitable opposite position left).
    fund_path : ndarray
        Fund balance at the end of each round (quote currency).
    deleveraged : DataFrame
        One row per ADL fill: ``round``, ``position`` (row of the book), ``side``, ``price``
        (the liquidated position's bankruptcy price), ``size`` (base units closed), ``amount``
        (quote currency, the deficit it covers) and ``score`` (ranking score at the round price).
    deleveraged_size : ndarray
        Base units closed by ADL, per position of the book.
    """

    cascade: CascadeResult
    insurance_fund: float
    ranking: str
    deficit: FloatArray
    surplus: FloatArray
    fund_draw: FloatArray
    adl_amount: FloatArray
    uncovered: FloatArray
    fund_path: FloatArray
    deleveraged: pd.DataFrame
    deleveraged_size: FloatArray

    @property
    def total_deficit(self) -> float:
        """Loss beyond bankruptcy over the cascade (quote currency)."""
        return float(self.deficit.sum())

    @property
    def total_adl(self) -> float:
        """Deficit covered by ADL over the cascade (quote currency)."""
        return float(self.adl_amount.sum())

    @property
    def fund_exhausted(self) -> bool:
        """True if ADL (or an uncovered deficit) was needed at some round."""
        return bool((self.adl_amount.sum() + self.uncovered.sum()) > 0)

    def to_frame(self) -> pd.DataFrame:
        """One row per round: price, deficit, surplus, fund draw, ADL, uncovered, fund."""
        return pd.DataFrame(
            {
                "price": self.cascade.price_path,
                "deficit": self.deficit,
                "surplus": self.surplus,
                "fund_draw": self.fund_draw,
                "adl_amount": self.adl_amount,
                "uncovered": self.uncovered,
                "fund": self.fund_path,
            },
            index=pd.RangeIndex(self.deficit.size, name="round"),
        )

    def summary(self) -> pd.DataFrame:
        """Headline numbers: fund before and after, deficit and how it was covered."""
        vals = {
            "final_price": self.cascade.final_price,
            "insurance_fund": self.insurance_fund,
            "deficit": self.total_deficit,
            "surplus": float(self.surplus.sum()),
            "fund_draw": float(self.fund_draw.sum()),
            "adl_amount": self.total_adl,
            "uncovered": float(self.uncovered.sum()),
            "final_fund": float(self.fund_path[-1]),
            "positions_deleveraged": int(np.count_nonzero(self.deleveraged_size)),
            "fund_exhausted": self.fund_exhausted,
        }
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), "AdlResult")

    def chart(self) -> alt.LayerChart:
        """Fund balance by round (line) with the deficit covered by ADL (bars); 480 px.

        See Also
        --------
        riskkit.charts.adl.adl_fund_chart : the builder this delegates to.
        """
        require("altair", "charts")
        from riskkit.charts.adl import adl_fund_chart

        return adl_fund_chart(self)


def _fire_rounds(book: PositionBook, path: FloatArray) -> np.ndarray:
    """Round at which each position is liquidated in the cascade with ``path`` (-1 if never).

    With constant margins a long fires at the first round whose price is at or below its
    liquidation price, a short at the first at or above it (the rule of simulate_cascade).
    """
    lo = np.minimum.accumulate(path)
    hi = np.maximum.accumulate(path)
    lp = book.liquidation_price
    n = path.size
    k_long = np.searchsorted(-lo, -lp, side="left")  # first k with lo[k] <= lp
    k_short = np.searchsorted(hi, lp, side="left")  # first k with hi[k] >= lp
    k = np.where(book.sign > 0, k_long, k_short)
    return np.where(k < n, k, -1)


def _check_fund(insurance_fund: Any) -> float:
    v = float(scalar_array(insurance_fund, "insurance_fund"))
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"insurance_fund must be a finite number >= 0; got {v}")
    return v


def simulate_adl(
    book: PositionBook,
    price: float,
    shock: float,
    impact: PriceImpact,
    insurance_fund: float,
    *,
    ranking: str = "binance",
    surplus_to_fund: bool = True,
    max_rounds: int = 100_000,
) -> AdlResult:
    """Run a cascade with an insurance fund and auto-deleverage when the fund runs dry.

    Parameters
    ----------
    book : PositionBook
        Open isolated-margin positions (linear contract); none past liquidation at ``price``.
    price : float
        Price before the shock, quote per base unit; > 0.
    shock : float
        Exogenous simple return at round 0, in (-1, inf), non-zero.
    impact : PriceImpact
        Impact of the net liquidation flow on the log price.
    insurance_fund : float
        Fund balance before the shock, quote currency; >= 0.
    ranking : {"binance", "bitmex", "bybit"}, default "binance"
        ADL ranking rule: Binance LeveragePnL (:func:`~riskkit.liquidation.adl_ranking_binance`)
        or BitMEX/Bybit PnL% x effective leverage (:func:`~riskkit.liquidation.adl_ranking`).
    surplus_to_fund : bool, default True
        Pay the equity left at fills better than bankruptcy into the fund (BitMEX, Binance,
        Bybit practice); False keeps the fund fed only by its initial balance.
    max_rounds : int, default 100000
        Bound on the cascade's rounds.

    Returns
    -------
    AdlResult
        Deficit, surplus, fund draw, ADL amount and fund balance per round; the ADL fills.

    Raises
    ------
    TypeError
        If ``book`` or ``impact`` has the wrong type or ``surplus_to_fund`` is not a bool.
    ValueError
        If ``insurance_fund`` < 0, ``ranking`` is unknown, or for the reasons of
        :func:`~riskkit.cascade.simulate_cascade`.

    See Also
    --------
    simulate_cascade, adl_probability, riskkit.liquidation.adl_ranking

    Notes
    -----
    Position :math:`i` (sign :math:`s_i`, size :math:`q_i`, entry :math:`E_i`, leverage
    :math:`L_i`) has bankruptcy price :math:`B_i = E_i(1 - s_i/L_i)`. Liquidated in round
    :math:`k` it is closed at the round price :math:`P_k`, with loss beyond bankruptcy and
    surplus

    .. math::

        d_i = \\max\\{0, s_i q_i (B_i - P_k)\\}, \\qquad
        u_i = \\max\\{0, s_i q_i (P_k - B_i)\\}.

    With fund :math:`F_{k-1}`, round :math:`k` first adds :math:`\\sum u_i` (if
    ``surplus_to_fund``), then covers each deficit in firing order: the fund pays
    :math:`f_i = \\min(F, d_i)` and the rest :math:`a_i = d_i - f_i` is covered by ADL. ADL
    closes :math:`q_i a_i / d_i` units of the opposite side at :math:`B_i` instead of
    :math:`P_k`, taking them from open profitable positions in decreasing score :math:`R_j`
    (at mark :math:`P_k`); each closed unit gives up :math:`|B_i - P_k|`, so the ADL amount is
    :math:`a_i`. Hence, over the cascade,

    .. math:: \\sum_i d_i = \\sum_i f_i + \\sum_i a_i + U,

    with :math:`U` the deficit left uncovered when no profitable opposite position remains.
    Scores: Binance :math:`R = \\pi \\cdot \\mathrm{MR}` with
    :math:`\\pi = \\max(0, \\mathrm{UPNL})/\\max(1, \\mathrm{WB})`, WB the isolated margin
    :math:`qE/L` and :math:`\\mathrm{MR} = \\mathrm{MM}/(\\mathrm{WB} + \\mathrm{UPNL})`;
    BitMEX/Bybit :math:`R = \\pi L_{eff}` with :math:`\\pi = s(P - E)/E` and
    :math:`L_{eff} = P/|P - B|`. ADL fills are off-book: they do not move the price, and a
    deleveraged position is not fed back into the cascade (a short cut by ADL in a fall is
    far from its own liquidation). Fees are ignored. Hyperliquid closes ADL fills at the mark
    rather than the bankruptcy price; that rule is not modelled.

    References
    ----------
    Binance, "What Is Auto-Deleveraging (ADL)",
    https://www.binance.com/en/support/faq/360033525471 ;
    BitMEX, "Auto-Deleveraging", https://bitmex.com/app/autoDeleveraging and the worked
    examples at https://testnet.bitmex.com/app/autoDeleveragingExamples ;
    Bybit, "Auto-Deleveraging (ADL)",
    https://www.bybit.com/en/help-center/article/Auto-Deleveraging-ADL

    Examples
    --------
    A 20x long of 10 units at 100 (bankruptcy 95) and two profitable shorts; a -10 % shock
    closes the long at 90, 50 USD beyond bankruptcy. With an empty fund the top-ranked short
    (entry 100, 10x) gives up its 6 units at 95, the other short 4 of its 5:

    >>> book = PositionBook(["long", "short", "short"], [100.0, 100.0, 110.0],
    ...                     [10.0, 6.0, 5.0], [20.0, 10.0, 2.0])
    >>> res = simulate_adl(book, 100.0, -0.10, PriceImpact(1e9, "linear"), 0.0)
    >>> res.deleveraged[["position", "price", "size", "amount"]].round(2).to_numpy().tolist()
    [[1.0, 95.0, 6.0, 30.0], [2.0, 95.0, 4.0, 20.0]]
    >>> round(res.total_deficit, 2), round(res.total_adl, 2)
    (50.0, 50.0)
    """
    fund0 = _check_fund(insurance_fund)
    ranking = check_option(ranking, "ranking", ADL_RANKINGS)
    if not isinstance(surplus_to_fund, bool):
        raise TypeError(f"surplus_to_fund must be a bool; got {type(surplus_to_fund).__name__}")
    cascade = simulate_cascade(book, price, shock, impact, max_rounds=max_rounds)
    return _adl_on_cascade(book, cascade, fund0, ranking, surplus_to_fund)


def _adl_on_cascade(
    book: PositionBook, cascade: CascadeResult, fund0: float, ranking: str, surplus_to_fund: bool
) -> AdlResult:
    path = np.asarray(cascade.price_path, dtype=np.float64)
    n_rounds = path.size
    fired = _fire_rounds(book, path)
    s, e, q = book.sign, book.entry_price, book.size
    bankrupt = e * (1.0 - s / book.leverage)
    remaining = q.astype(np.float64).copy()
    deficit = np.zeros(n_rounds)
    surplus = np.zeros(n_rounds)
    draw = np.zeros(n_rounds)
    adl = np.zeros(n_rounds)
    uncovered = np.zeros(n_rounds)
    fund_path = np.zeros(n_rounds)
    fills: list[tuple[int, int, str, float, float, float, float]] = []
    fund = fund0
    for k in range(n_rounds):
        pk = path[k]
        now = np.flatnonzero(fired == k)
        # firing order: longs from the highest liquidation price, shorts from the lowest
        now = now[np.lexsort((-s[now] * book.liquidation_price[now], -s[now]))]
        gap = s[now] * q[now] * (bankrupt[now] - pk)
        d = np.maximum(gap, 0.0)
        u = np.maximum(-gap, 0.0)
        deficit[k], surplus[k] = d.sum(), u.sum()
        if surplus_to_fund:
            fund += surplus[k]
        score: FloatArray | None = None
        for i, di in zip(now.tolist(), d.tolist(), strict=True):
            if di <= 0.0:
                continue
            fi = min(fund, di)
            fund -= fi
            draw[k] += fi
            ai = di - fi
            if ai <= 0.0:
                continue
            if score is None:
                score = _adl_score(book, pk, ranking)
            open_opp = (s == -s[i]) & ((fired < 0) | (fired > k)) & (remaining > 0)
            cand = np.flatnonzero(open_opp & (s * (pk - e) > 0))
            cand = cand[np.argsort(-score[cand], kind="stable")]
            need = q[i] * ai / di  # units to close at the bankruptcy price
            per_unit = abs(bankrupt[i] - pk)
            for j in cand.tolist():
                take = min(need, remaining[j])
                remaining[j] -= take
                need -= take
                fills.append(
                    (k, j, "long" if s[j] > 0 else "short", bankrupt[i], take,
                     take * per_unit, float(score[j]))
                )  # fmt: skip
                adl[k] += take * per_unit
                if need <= 1e-12 * q[i]:
                    need = 0.0
                    break
            uncovered[k] += need * per_unit
        fund_path[k] = fund
    cols = ["round", "position", "side", "price", "size", "amount", "score"]
    frame = pd.DataFrame(fills, columns=cols).astype(
        {"round": np.int64, "position": np.int64, "price": np.float64, "size": np.float64}
    )
    return AdlResult(
        cascade=cascade,
        insurance_fund=fund0,
        ranking=ranking,
        deficit=_frozen(deficit),
        surplus=_frozen(surplus),
        fund_draw=_frozen(draw),
        adl_amount=_frozen(adl),
        uncovered=_frozen(uncovered),
        fund_path=_frozen(fund_path),
        deleveraged=frame,
        deleveraged_size=_frozen(q - remaining),
    )


# --------------------------------------------------------------------------------------------
# Monte Carlo: probability of being deleveraged by light
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AdlProbability:
    """Outcome of :func:`adl_probability`.

    Attributes
    ----------
    table : DataFrame
        Indexed by ``light`` (1-5): ``positions`` (position-scenario pairs on the exposed side),
        ``deleveraged`` (of which some size was closed by ADL), ``probability`` and its binomial
        standard error ``std_error``.
    n_sims : int
        Scenarios simulated.
    adl_share : float
        Share of scenarios in which ADL was triggered.
    fund_exhausted_share : float
        Same as ``adl_share`` plus scenarios with an uncovered deficit.
    seed : int or None
        The seed, when it was an int (for the record).
    ranking : str
        ADL ranking rule.
    """

    table: pd.DataFrame
    n_sims: int
    adl_share: float
    fund_exhausted_share: float
    seed: int | None
    ranking: str

    @property
    def probability(self) -> pd.Series:
        """Probability of being deleveraged by light (1-5)."""
        return self.table["probability"].copy()

    def to_frame(self) -> pd.DataFrame:
        """The table by light."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Scenario count, ADL share and the probability at lights 1 and 5."""
        vals = {
            "n_sims": self.n_sims,
            "adl_share": self.adl_share,
            "fund_exhausted_share": self.fund_exhausted_share,
            "probability_light_1": float(self.table["probability"].iloc[0]),
            "probability_light_5": float(self.table["probability"].iloc[-1]),
            "ranking": self.ranking,
        }
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), "AdlProbability") + _html(self.table, "by light")

    def chart(self) -> alt.LayerChart:
        """Probability of being deleveraged by light, with +-2 standard errors; 480 px.

        See Also
        --------
        riskkit.charts.adl.adl_probability_chart : the builder this delegates to.
        """
        require("altair", "charts")
        from riskkit.charts.adl import adl_probability_chart

        return adl_probability_chart(self)


def _sample(x: Any, name: str, *, positive: bool) -> FloatArray:
    arr = np.atleast_1d(as_float_array(x, name))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence; got shape {arr.shape}")
    return check_positive(arr, name, strict=positive)


def adl_probability(
    books: PositionBook | Sequence[PositionBook],
    price: float,
    shocks: Any,
    depths: Any,
    insurance_funds: Any,
    *,
    n_sims: int = 500,
    seed: Seed = 0,
    impact_model: str = "sqrt",
    ranking: str = "binance",
    surplus_to_fund: bool = True,
) -> AdlProbability:
    """Monte Carlo probability of being auto-deleveraged, by ADL light (1-5).

    Each scenario draws, with replacement and independently, a book from ``books``, a shock
    from ``shocks``, a one-sided depth from ``depths`` and a fund from ``insurance_funds``,
    and runs :func:`simulate_adl`. Every position on the side that gains from the shock
    (shorts in a fall, longs in a rise) is one trial, labelled with the ADL light it shows at
    ``price`` before the shock; it succeeds if ADL closes any of its size.

    Parameters
    ----------
    books : PositionBook or sequence of PositionBook
        Candidate books (e.g. estimated under several assumptions); none past liquidation.
    price : float
        Price before the shock, quote per base unit; > 0.
    shocks : array_like
        Shocks to sample, simple returns in (-1, inf), non-zero.
    depths : array_like
        One-sided depths within 50 bp to sample (quote currency), > 0.
    insurance_funds : array_like
        Fund balances to sample (quote currency), >= 0.
    n_sims : int, default 500
        Number of scenarios, >= 1.
    seed : int, SeedSequence, Generator or None, default 0
        Seed of the scenario draws (an int makes the result reproducible).
    impact_model : {"sqrt", "linear"}, default "sqrt"
        Impact law of :class:`PriceImpact`.
    ranking : {"binance", "bitmex", "bybit"}, default "binance"
        ADL ranking rule (lights are the quintiles of its score within each side).
    surplus_to_fund : bool, default True
        As in :func:`simulate_adl`.

    Returns
    -------
    AdlProbability

    Raises
    ------
    TypeError
        If a book is not a PositionBook, ``n_sims`` is not an int or ``seed`` has a bad type.
    ValueError
        If a sample is empty or out of its domain, or an option is unknown.

    See Also
    --------
    simulate_adl, riskkit.liquidation.adl_quantile

    Notes
    -----
    With :math:`\\ell_{j}` the light of position :math:`j` at the pre-shock price (the
    quintile :math:`\\lceil 5 r_j / n \\rceil` of its score among the :math:`n` positions of its
    side) and :math:`D_{jm}` the event that ADL closes some of it in scenario :math:`m`,

    .. math::

        \\hat p_\\ell = \\frac{\\sum_m \\sum_{j \\in G_m} 1\\{\\ell_j = \\ell\\} 1\\{D_{jm}\\}}
                             {\\sum_m \\sum_{j \\in G_m} 1\\{\\ell_j = \\ell\\}}, \\qquad
        \\mathrm{se}_\\ell = \\sqrt{\\hat p_\\ell (1 - \\hat p_\\ell) / n_\\ell},

    with :math:`G_m` the side that gains in scenario :math:`m` and :math:`n_\\ell` the
    denominator. Trials within a scenario are dependent, so the binomial standard error is a
    lower bound. Lights are read before the shock, as a trader sees them; ADL itself ranks at
    the round's mark, so a light is a forecast of the queue, not the queue.

    References
    ----------
    BitMEX, "Auto-Deleveraging" (20 % quintile lights), https://bitmex.com/app/autoDeleveraging ;
    Binance, "What Is Auto-Deleveraging (ADL)",
    https://www.binance.com/en/support/faq/360033525471

    Examples
    --------
    >>> book = PositionBook(["long", "short", "short"], [100.0, 100.0, 110.0],
    ...                     [10.0, 6.0, 5.0], [20.0, 10.0, 2.0])
    >>> out = adl_probability(book, 100.0, [-0.10], [1e9], [0.0], n_sims=3, seed=1)
    >>> out.table["deleveraged"].tolist(), out.adl_share
    ([0, 0, 3, 0, 3], 1.0)
    """
    book_list = [books] if isinstance(books, PositionBook) else list(books)
    if not book_list:
        raise ValueError("books must hold at least one PositionBook; got none")
    for b in book_list:
        if not isinstance(b, PositionBook):
            raise TypeError(f"books must hold PositionBook objects; got {type(b).__name__}")
    p = float(check_positive(scalar_array(price, "price"), "price"))
    sh = np.atleast_1d(as_float_array(shocks, "shocks"))
    if sh.ndim != 1 or sh.size == 0 or np.any(sh <= -1.0) or np.any(sh == 0.0):
        raise ValueError(
            "shocks must be a non-empty 1-d sequence of non-zero returns in (-1, inf); "
            f"got {sh.tolist()[:5]}"
        )
    dep = _sample(depths, "depths", positive=True)
    funds = _sample(insurance_funds, "insurance_funds", positive=False)
    if isinstance(n_sims, bool) or not isinstance(n_sims, int | np.integer) or n_sims < 1:
        raise ValueError(f"n_sims must be an int >= 1; got {n_sims!r}")
    impact_model = check_option(impact_model, "impact_model", ("sqrt", "linear"))
    ranking = check_option(ranking, "ranking", ADL_RANKINGS)
    if not isinstance(surplus_to_fund, bool):
        raise TypeError(f"surplus_to_fund must be a bool; got {type(surplus_to_fund).__name__}")
    rng = as_generator(seed)
    lights = [_side_lights(b, p, ranking) for b in book_list]
    trials = np.zeros(5, dtype=np.int64)
    hits = np.zeros(5, dtype=np.int64)
    n_adl = n_dry = 0
    ib = rng.integers(len(book_list), size=n_sims)
    ish = rng.integers(sh.size, size=n_sims)
    idp = rng.integers(dep.size, size=n_sims)
    ifd = rng.integers(funds.size, size=n_sims)
    for m in range(int(n_sims)):
        b = book_list[ib[m]]
        shock = float(sh[ish[m]])
        cascade = simulate_cascade(b, p, shock, PriceImpact(float(dep[idp[m]]), impact_model))
        res = _adl_on_cascade(b, cascade, float(funds[ifd[m]]), ranking, surplus_to_fund)
        gain = b.sign == (-1.0 if shock < 0 else 1.0)
        lt = lights[ib[m]][gain]
        hit = res.deleveraged_size[gain] > 1e-9 * b.size[gain]  # ignore round-off fills
        trials += np.bincount(lt - 1, minlength=5)
        hits += np.bincount(lt[hit] - 1, minlength=5)
        n_adl += bool(res.total_adl > 0)
        n_dry += res.fund_exhausted
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = np.where(trials > 0, hits / np.maximum(trials, 1), np.nan)
        se = np.sqrt(prob * (1.0 - prob) / np.maximum(trials, 1))
    table = pd.DataFrame(
        {"positions": trials, "deleveraged": hits, "probability": prob, "std_error": se},
        index=pd.Index(np.arange(1, 6), name="light"),
    )
    return AdlProbability(
        table=table,
        n_sims=int(n_sims),
        adl_share=n_adl / n_sims,
        fund_exhausted_share=n_dry / n_sims,
        seed=int(seed) if isinstance(seed, int) else None,
        ranking=ranking,
    )
