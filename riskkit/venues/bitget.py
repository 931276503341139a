"""Bitget USDT-M perpetuals: tier MMR plus the taker fee on the mark notional.

Profile ``"bitget"`` (classic account, isolated margin). Bitget's estimated liquidation price
(isolated) is

.. math:: P = \\frac{M + A - sQE}{Q\\,(m + f - s)}

with margin :math:`M`, size :math:`Q` (base units), entry :math:`E`, side :math:`s = \\pm 1`,
tier rate :math:`m`, taker fee rate :math:`f` and :math:`A` the "pre-calculated offset" (the
tier deduction), i.e. :math:`M + sQ(P - E) = QP(m + f) - A`: the mark-basis tier equation with
the fee folded into the rate. Until 2025-11-10 08:00 UTC the whole position value took its
tier's rate (:math:`A = 0`); from then on each slice of the value takes its own tier's rate,
which is the cum recursion :math:`A_k = A_{k-1} + F_k (m_k - m_{k-1})`. Positions opened
before the change keep the old rule: pass ``as_of`` = the opening date.

References
----------
Bitget, "Bitget futures: Estimated liquidation price",
https://www.bitget.com/support/articles/12560603808759 ;
Bitget, "Bitget to update maintenance margin calculation for classic account futures",
https://www.bitget.cloud/support/articles/12560603841952 ;
freqtrade, ``freqtrade/exchange/bitget.py`` ``Bitget.dry_run_liquidation_price`` (the same
formula with :math:`A = 0`), github.com/freqtrade/freqtrade commit 23367e1.

Examples
--------
>>> from riskkit import venues
>>> v = venues.get("bitget")
>>> round(v.maintenance_margin("BTCUSDT", 3.0, 110_000.0), 6)  # Bitget's example: 1,648 USDT
1648.0
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("bitget",)
