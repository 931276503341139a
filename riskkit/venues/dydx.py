"""dYdX v4: maintenance margin fraction per market; initial fraction scaled by open interest.

Profile ``"dydx"``: the liquidation price is the docs' :math:`p' = (e - s p)/(|s| \\mathrm{MMF}
- s)` (equity :math:`e`, signed size :math:`s`), which is the linear equation with
:math:`m = \\mathrm{MMF}`. :meth:`Venue.initial_margin_rate` applies the open-interest scaling.

References
----------
dYdX, "Liquidations", https://dydx-documentation-six.vercel.app/concepts/trading/liquidations ;
dYdX, "Contract loss mechanism",
https://dydx-documentation-six.vercel.app/concepts/trading/contract-loss-mechanism
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("dydx",)
