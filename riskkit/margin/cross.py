"""Cross-margin accounts: several positions sharing one wallet balance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import scalar_array
from riskkit._typing import ArrayLike
from riskkit._validation import align_series, as_float_array, check_positive, side_sign
from riskkit.margin.contracts import _contract, maintenance_margin, notional_value, unrealized_pnl

__all__ = [
    "CrossAccount",
    "cross_account",
]


# --------------------------------------------------------------------------------------------
# cross-margin accounts
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CrossAccount:
    """Margin state of a cross-margin account holding several positions (one settlement ccy).

    Attributes
    ----------
    wallet_balance : float
        WB, settlement currency.
    positions : DataFrame
        One row per position with its notional, maintenance margin, unrealised PnL and the
        ``margin`` that stands behind it for :func:`riskkit.liquidation.liquidation_price`
        (WB - TMM of the others + UPNL of the others).
    total_maintenance_margin, total_unrealized_pnl, equity, margin_ratio : float
        TMM, UPNL, WB + UPNL and TMM / equity.
    """

    wallet_balance: float
    positions: pd.DataFrame
    total_maintenance_margin: float
    total_unrealized_pnl: float
    equity: float
    margin_ratio: float

    def summary(self) -> pd.DataFrame:
        """Account totals as a one-column frame."""
        return pd.DataFrame(
            {
                "value": [
                    self.wallet_balance,
                    self.total_maintenance_margin,
                    self.total_unrealized_pnl,
                    self.equity,
                    self.margin_ratio,
                ]
            },
            index=pd.Index(
                [
                    "wallet_balance",
                    "total_maintenance_margin",
                    "total_unrealized_pnl",
                    "equity",
                    "margin_ratio",
                ]
            ),
        )

    def to_frame(self) -> pd.DataFrame:
        """The per-position frame."""
        return self.positions.copy()

    def _repr_html_(self) -> str:
        return self.summary().to_html() + self.positions.to_html()


def cross_account(
    wallet_balance: float,
    side: Any,
    entry_price: ArrayLike,
    price: ArrayLike,
    size: ArrayLike,
    maintenance_margin_rate: ArrayLike,
    maintenance_amount: ArrayLike = 0.0,
    *,
    contract: str = "linear",
    index: Any = None,
) -> CrossAccount:
    """Binance-style cross-margin account: TMM, UPNL, margin ratio and each position's margin.

    Parameters
    ----------
    wallet_balance : float
        Cross wallet balance WB, settlement currency.
    side : array of {"long", "short"}
        One per position (one-way mode: one position per symbol).
    entry_price, price : array
        Entry and mark prices, quote per base, > 0.
    size : array
        Linear: base quantity; inverse: USD notional; > 0.
    maintenance_margin_rate, maintenance_amount : array
        Each position's tier rate (fraction) and amount (settlement currency).
    contract : {"linear", "inverse"}
        All positions share the settlement currency.
    index : sequence, optional
        Row labels (e.g. symbols).

    Returns
    -------
    CrossAccount

    Raises
    ------
    ValueError
        For out-of-range inputs.

    See Also
    --------
    riskkit.liquidation.liquidation_price

    Notes
    -----
    For position :math:`i`,

    .. math::
        M_i = \\mathrm{WB} - \\sum_{j \\ne i} \\mathrm{MM}_j + \\sum_{j \\ne i} \\mathrm{UPNL}_j

    is the ``margin`` of Binance's formula (WB - TMM1 + UPNL1), with
    :math:`\\mathrm{MM}_j = V_j m_j - A_j` at the mark price. Margin ratio is
    :math:`\\sum_j \\mathrm{MM}_j / (\\mathrm{WB} + \\sum_j \\mathrm{UPNL}_j)`.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> acct = cross_account(1_000.0, ["long", "short"], [100.0, 50.0], [90.0, 50.0],
    ...                      [1.0, 2.0], [0.01, 0.01])
    >>> acct.positions["margin"].round(2).tolist()  # 1000 - 1.0 + 0 ; 1000 - 0.9 - 10
    [999.0, 989.1]
    """
    (side, entry_price, price, size, maintenance_margin_rate, maintenance_amount), labels = (
        align_series(
            side, entry_price, price, size, maintenance_margin_rate, maintenance_amount,
            names=("side", "entry_price", "price", "size", "maintenance_margin_rate",
                   "maintenance_amount"),
        )
    )  # fmt: skip
    if index is None:
        index = labels
    c = _contract(contract)
    wb = float(scalar_array(wallet_balance, "wallet_balance"))
    s = np.atleast_1d(side_sign(side))
    e = np.atleast_1d(check_positive(as_float_array(entry_price, "entry_price"), "entry_price"))
    p = np.atleast_1d(check_positive(as_float_array(price, "price"), "price"))
    q = np.atleast_1d(check_positive(as_float_array(size, "size"), "size"))
    s, e, p, q = np.broadcast_arrays(s, e, p, q)
    v = np.asarray(notional_value(q, p, c), dtype=np.float64)
    m = np.broadcast_to(
        np.asarray(maintenance_margin(v, maintenance_margin_rate, maintenance_amount)), v.shape
    )
    pnl = np.asarray(unrealized_pnl(np.where(s > 0, "long", "short"), e, p, q, c))
    tmm, upnl = float(m.sum()), float(pnl.sum())
    equity = wb + upnl
    frame = pd.DataFrame(
        {
            "side": np.where(s > 0, "long", "short"),
            "entry_price": e,
            "price": p,
            "size": q,
            "notional": v,
            "maintenance_margin": m,
            "unrealized_pnl": pnl,
            "margin": wb - (tmm - m) + (upnl - pnl),
        },
        index=None if index is None else pd.Index(index),
    )
    ratio = tmm / equity if equity > 0 else np.inf
    return CrossAccount(wb, frame, tmm, upnl, equity, float(ratio))
