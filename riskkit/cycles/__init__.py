"""Leverage and deleveraging cycles: proxies, episodes, regimes, lead-lag and leverage gaps.

Leverage builds up slowly and unwinds fast. This module measures it with a few proxies (open
interest in coin and in USD, the annualised funding rate, margin debt relative to the equity
index), dates its unwinds with a transparent peak-to-trough detector, describes its regimes with
Markov-switching models, tests what leads what with VARs and Granger-causality tests, and
computes the *leverage gap* (the credit-gap idea of the Basel III countercyclical buffer applied
to margin debt) with a truly one-sided Hodrick-Prescott filter or Hamilton's regression filter.

Every statistical analysis wraps, rather than hides, the statsmodels result it is built on: the
result objects expose it as ``model_result`` so that ``res.model_result.summary()`` prints the
familiar statsmodels table. statsmodels is imported inside the functions that use it.

The code is split one file per concept: ``proxies`` (leverage proxies), ``episodes`` and
``stability`` (deleveraging episodes and their robustness), ``regimes`` (Markov switching),
``leadlag`` (VAR and Granger causality) and ``gaps`` (one-sided HP and Hamilton gaps); the
charts are in :mod:`riskkit.charts.cycles`. Import everything from ``riskkit.cycles``.
"""

from __future__ import annotations

from riskkit._deprecate import deprecated_attr
from riskkit.charts.cycles import regime_panel
from riskkit.cycles._common import Window as Window
from riskkit.cycles.episodes import EPISODE_PRESETS, EpisodeTable, deleveraging_episodes
from riskkit.cycles.episodes import _RangeMax as _RangeMax
from riskkit.cycles.gaps import (
    GapRecord,
    gap_record,
    hamilton_filter,
    hp_filter_one_sided,
    margin_debt_gap,
)
from riskkit.cycles.leadlag import GrangerResult, VARLeadLag, granger_causality, var_lead_lag
from riskkit.cycles.proxies import (
    funding_annualised,
    funding_summary,
    margin_debt_to_price,
    open_interest_coin,
    open_interest_usd,
)
from riskkit.cycles.regimes import REGIME_COLLAPSE as REGIME_COLLAPSE
from riskkit.cycles.regimes import RegimeResult, markov_regimes
from riskkit.cycles.stability import EpisodeStability, episode_stability

__all__ = [
    "EPISODE_PRESETS",
    "EpisodeStability",
    "EpisodeTable",
    "GapRecord",
    "GrangerResult",
    "RegimeResult",
    "VARLeadLag",
    "deleveraging_episodes",
    "episode_stability",
    "funding_annualised",
    "funding_summary",
    "gap_record",
    "granger_causality",
    "hamilton_filter",
    "hp_filter_one_sided",
    "margin_debt_gap",
    "margin_debt_to_price",
    "markov_regimes",
    "open_interest_coin",
    "open_interest_usd",
    "regime_panel",
    "var_lead_lag",
]

__getattr__ = deprecated_attr(__name__, {"LeadLagResult": ("VARLeadLag", VARLeadLag)})
