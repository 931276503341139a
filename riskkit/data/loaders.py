"""Public loaders (``load_*``): fetch by hash, parse, repair, and return tidy frames.

Every loader returns a frame with a UTC :class:`~pandas.DatetimeIndex` named ``time``, sorted
ascending, units in ``frame.attrs["units"]``, provenance in ``frame.attrs["provenance"]`` and
the repairs made in ``frame.attrs["repairs"]`` (see :mod:`riskkit.data`). :func:`coverage`
summarises loaded frames.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from riskkit._validation import check_option
from riskkit.data.fetching import fetch
from riskkit.data.parsers import (
    _LIQ_COLUMNS,
    _OI_COLUMNS,
    _ohlcv,
    _parse_aave_liquidations,
    _parse_binance_funding_api,
    _parse_binance_funding_export,
    _parse_bitmex_funding,
    _parse_ccxt_csv,
    _parse_cdd_csv,
    _parse_coinalyze_oi,
    _parse_coinglass_liquidations_csv,
    _parse_coinglass_parquet,
    _parse_finra_margin,
    _parse_hyperliquid_depth,
    _parse_shiller,
    _parse_vix,
)
from riskkit.data.registry import _sidecar, provenance
from riskkit.data.repairs import (
    _merge_snapshots,
    _note,
    _repair_bad_first_open,
    _repair_bitstamp,
    _stitch_funding,
)

__all__ = [
    "coverage",
    "load_aave_v2_liquidations",
    "load_funding",
    "load_liquidations",
    "load_margin_debt",
    "load_open_interest",
    "load_orderbook_depth",
    "load_perp_ohlcv",
    "load_sp500",
    "load_spot_ohlcv",
    "load_vix",
]


def _finish(frame: pd.DataFrame, name: str, repairs: list[str], **extra: Any) -> pd.DataFrame:
    """Attach units, provenance and repairs to ``frame.attrs``."""
    prov = provenance(name)
    prov["defects_repaired"] = list(repairs)
    attrs: dict[Hashable, Any] = {
        "dataset": name,
        "title": prov["title"],
        "source": prov["source"],
        "venue": prov["venue"],
        "instrument": prov["instrument"],
        "frequency": prov["frequency"],
        "units": {c: prov["units"].get(c, "") for c in frame.columns},
        "provenance": prov,
        "repairs": list(repairs),
    }
    attrs.update(extra)
    frame.attrs = attrs
    return frame


#: Datasets the ``load_*`` functions have read in this process, in first-read order. The book's
#: execution record (``tools/execute_notebooks.py``) reads it when a chapter has run.
_READ: dict[str, None] = {}


def _paths(name: str) -> list[Path]:
    paths = [fetch(f) for f in _sidecar(name)["files"]]
    _READ.setdefault(name, None)
    return paths


_SPOT: dict[tuple[str, ...], str] = {
    ("BTCUSDT", "binance", "1d"): "binance_spot_btcusdt_1d",
    ("ETHUSDT", "binance", "1d"): "binance_spot_ethusdt_1d",
    ("BTCUSDT", "binance", "1h"): "binance_spot_btcusdt_1h",
    ("BTCUSD", "bitstamp", "1d"): "bitstamp_btcusd_1d",
}


_PERP: dict[tuple[str, ...], str] = {
    ("BTCUSDT", "binance", "1h"): "binance_usdm_btcusdt_perp_1h",
    ("BTCUSDT", "binance", "1d"): "binance_usdm_btcusdt_perp_1d",
    ("BTCUSD_PERP", "binance", "1h"): "binance_coinm_btcusd_perp_1h",
}


_FUNDING: dict[tuple[str, ...], str] = {
    ("BTCUSDT", "binance"): "binance_btcusdt_funding",
    ("ETHUSDT", "binance"): "binance_ethusdt_funding",
    ("XBTUSD", "bitmex"): "bitmex_xbtusd_funding",
}


_LIQUIDATIONS: dict[tuple[str, ...], str] = {
    ("BTC", "binance", "4h"): "coinglass_btc_liquidations_binance_4h",
    ("ETH", "binance", "4h"): "coinglass_eth_liquidations_binance_4h",
    ("BTC", "binance+bybit+okx", "1h"): "coinglass_btc_liquidations_binance_bybit_okx_1h",
}


def _lookup(table: Mapping[tuple[str, ...], str], key: tuple[str, ...], names: str) -> str:
    if key not in table:
        avail = "; ".join(
            ", ".join(f"{n}={v!r}" for n, v in zip(names.split(), k, strict=True)) for k in table
        )
        raise ValueError(
            f"no registered dataset for {names.replace(' ', '/')} = {key}; available: {avail}"
        )
    return table[key]


def load_spot_ohlcv(
    symbol: str = "BTCUSDT", venue: str = "binance", freq: str = "1d"
) -> pd.DataFrame:
    """Spot OHLCV bars: Binance BTCUSDT (1d, 1h), Binance ETHUSDT (1d), Bitstamp BTCUSD (1d).

    Parameters
    ----------
    symbol : {"BTCUSDT", "ETHUSDT", "BTCUSD"}
        Instrument (BTCUSD on Bitstamp only).
    venue : {"binance", "bitstamp"}
        Exchange.
    freq : {"1d", "1h"}
        Bar length; ``"1h"`` exists for Binance BTCUSDT only (2017-08-17 .. 2021-06-10).

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC, ``time``). Columns ``open``, ``high``, ``low``,
        ``close`` (quote currency per base unit, e.g. USDT per BTC), ``volume_base`` (base
        units, e.g. BTC), ``volume_quote`` (quote currency), ``trades`` (count; Binance only,
        NaN in old-format hourly rows). Bitstamp adds the boolean column ``no_trades``
        (zero-volume outage days, 2015-01-06..11, with the carried last price).
        ``attrs`` holds ``units``, ``provenance`` and ``repairs``.

    Raises
    ------
    ValueError
        If the combination is not registered (the message lists those that are).
    DataIntegrityError, DataUnavailableError
        See :func:`fetch`.

    See Also
    --------
    load_perp_ohlcv : perpetual futures bars.

    Notes
    -----
    Repairs: newest-first files are sorted; the CryptoDataDownload banner and byte-order
    mark are skipped; mixed second/millisecond unix stamps are unified; 2,649 duplicated
    hours in the Binance hourly file keep the millisecond rows; the first hourly bar's
    erroneous open = high = 16,199.91 (2017-08-17 04:00, close 4,308.83) becomes NaN;
    Bitstamp's swapped volume columns before 2018-02-28 are swapped back, so that

    .. math:: \\frac{V_q}{V_b \\, C} \\approx 1,

    with :math:`V_q` the quote (USD) volume, :math:`V_b` the base (BTC) volume and :math:`C`
    the close; Bitstamp's partial last day (2025-11-27) is dropped.

    References
    ----------
    CryptoDataDownload, https://www.cryptodatadownload.com/data/ ; sources and hashes in
    ``data/*.toml``.

    Examples
    --------
    >>> from riskkit.data import load_spot_ohlcv
    >>> btc = load_spot_ohlcv("BTCUSDT", "binance", "1d")  # doctest: +SKIP
    >>> btc.loc["2020-03-12", ["low", "close"]].round(0).tolist()  # doctest: +SKIP
    [4410.0, 4800.0]
    """
    name = _lookup(_SPOT, (symbol, venue, freq), "symbol venue freq")
    (path,) = _paths(name)
    raw, repairs = _parse_cdd_csv(path)
    if venue == "bitstamp":
        frame = _repair_bitstamp(_ohlcv(raw, "volume btc", "volume usd"), repairs)
    else:
        base = "volume btc" if symbol.startswith("BTC") else "volume eth"
        frame = _ohlcv(raw, base, "volume usdt")
        if freq == "1h":
            frame = _repair_bad_first_open(frame, repairs)
    return _finish(frame, name, repairs)


def load_perp_ohlcv(
    symbol: str = "BTCUSDT", venue: str = "binance", freq: str = "1h"
) -> pd.DataFrame:
    """Perpetual-futures OHLCV: Binance USD-M BTCUSDT (1h, 1d) and COIN-M BTCUSD_PERP (1h).

    Parameters
    ----------
    symbol : {"BTCUSDT", "BTCUSD_PERP"}
        ``"BTCUSDT"``: USD-M linear perpetual (margined and settled in USDT);
        ``"BTCUSD_PERP"``: COIN-M inverse perpetual (100 USD per contract, margined in BTC).
    venue : {"binance"}
        Exchange.
    freq : {"1h", "1d"}
        ``"1h"``: BTCUSDT 2023-01-01 .. 2026-04-18, BTCUSD_PERP 2020-08-11 .. 2024-08-08;
        ``"1d"``: BTCUSDT 2020-01-01 .. 2024-08-08.

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC). ``open``, ``high``, ``low``, ``close`` (USDT or USD
        per BTC), ``volume_base`` (BTC), ``volume_quote`` (USDT for USD-M; USD = contracts x
        100 for COIN-M; NaN for the hourly USD-M file, whose source has no quote volume),
        ``trades`` (count, where present). ``attrs["contract"]`` is ``"linear"`` or
        ``"inverse"`` and ``attrs["contract_size"]`` the contract size.

    Raises
    ------
    ValueError
        If the combination is not registered.

    See Also
    --------
    load_spot_ohlcv, load_funding

    Notes
    -----
    For the inverse contract, base volume in BTC relates to quote volume in USD by

    .. math:: V_b \\approx \\frac{100 \\, N}{\\bar P},

    with :math:`N` the number of contracts and :math:`\\bar P` the bar's average price (USD
    per BTC). The daily USD-M file labels its volumes the wrong way round ("Volume" holds BTC,
    "Volume Base Asset" USDT); they are mapped by content.

    References
    ----------
    Binance COIN-M contract specifications,
    https://www.binance.com/en/futures/trading-rules/quarterly

    Examples
    --------
    >>> from riskkit.data import load_perp_ohlcv
    >>> perp = load_perp_ohlcv("BTCUSDT", "binance", "1h")  # doctest: +SKIP
    >>> perp.loc["2025-10-10 21:00", "low"]  # doctest: +SKIP
    101516.5
    """
    name = _lookup(_PERP, (symbol, venue, freq), "symbol venue freq")
    (path,) = _paths(name)
    if name == "binance_usdm_btcusdt_perp_1h":
        frame, repairs = _parse_ccxt_csv(path)
    else:
        raw, repairs = _parse_cdd_csv(path)
        if symbol == "BTCUSD_PERP":
            # 'Volume' counts contracts of 100 USD; 'Volume Base Asset' is BTC.
            frame = _ohlcv(raw, "volume base asset", "volume", quote_scale=100.0)
            _note(repairs, "volume_quote = contracts x 100 USD; volume_base = BTC column")
        else:
            # Defect: labels swapped -- 'Volume' holds BTC, 'Volume Base Asset' holds USDT.
            frame = _ohlcv(raw, "volume", "volume base asset")
            _note(repairs, "swapped volume labels mapped by content ('Volume' is BTC)")
    meta = _sidecar(name)
    return _finish(
        frame, name, repairs, contract=meta["contract"], contract_size=meta["contract_size"]
    )


def load_funding(symbol: str = "BTCUSDT", venue: str = "binance") -> pd.DataFrame:
    """Perpetual funding rates: Binance BTCUSDT and ETHUSDT, BitMEX XBTUSD.

    Parameters
    ----------
    symbol : {"BTCUSDT", "ETHUSDT", "XBTUSD"}
        Perpetual contract (XBTUSD on BitMEX only).
    venue : {"binance", "bitmex"}
        Exchange.

    Returns
    -------
    pandas.DataFrame
        Indexed by funding time (UTC). ``funding_rate``: fraction of position notional paid
        by longs to shorts (negative: shorts pay) per interval, not percent;
        ``interval_hours``: length of the interval (8, or 24 for BitMEX before 2016-06).
        BTCUSDT covers 2019-09-10 .. 2025-12-29 (website export stitched with the API),
        ETHUSDT 2022-01-01 .. 2025-12-29, XBTUSD 2016-05-14 .. 2020-11-05.

    Raises
    ------
    ValueError
        If the combination is not registered.

    See Also
    --------
    load_perp_ohlcv

    Notes
    -----
    A long of notional :math:`Q` pays :math:`F = r \\, Q` at each funding time, with
    :math:`r` the ``funding_rate``. Annualised, with :math:`h` the ``interval_hours``,

    .. math:: r_{\\text{annual}} = r \\cdot \\frac{24 \\cdot 365}{h}.

    The Binance website export is in Europe/London local time; it is converted to UTC, so
    every step is 8 h. API times carry a few ms of jitter; they are rounded to the hour.

    References
    ----------
    Binance, "Introduction to Binance Futures Funding Rates",
    https://www.binance.com/en/support/faq/360033525031 ;
    BitMEX perpetual contracts guide, https://www.bitmex.com/app/perpetualContractsGuide

    Examples
    --------
    >>> from riskkit.data import load_funding
    >>> f = load_funding("XBTUSD", "bitmex")  # doctest: +SKIP
    >>> f.loc["2020-03-13", "funding_rate"].tolist()  # doctest: +SKIP
    [-0.00375, -0.00375, -0.00375]
    """
    name = _lookup(_FUNDING, (symbol, venue), "symbol venue")
    paths = _paths(name)
    if venue == "bitmex":
        frame, repairs = _parse_bitmex_funding(paths[0])
    elif symbol == "BTCUSDT":
        export, r1 = _parse_binance_funding_export(paths[0])
        api, r2 = _parse_binance_funding_api(paths[1])
        repairs = r1 + r2
        frame = _stitch_funding(export, api, repairs)
    else:
        frame, repairs = _parse_binance_funding_api(paths[0])
    return _finish(frame, name, repairs)


def load_open_interest(source: str = "coinglass", symbol: str = "BTC") -> pd.DataFrame:
    """Open interest in USD: CoinGlass all-exchange BTC (4h) or Coinalyze Binance COIN-M (1d).

    Parameters
    ----------
    source : {"coinglass", "coinalyze"}
        ``"coinglass"``: BTC futures OI aggregated over all exchanges, 4-hourly,
        2024-11-21 .. 2025-11-14 (two snapshots merged). ``"coinalyze"``: Binance COIN-M
        perpetual OI, daily, 2021-09-15 .. 2025-10-25.
    symbol : str
        ``"BTC"`` for CoinGlass; for Coinalyze one of the 10 coins in the file (``"BTC"``,
        ``"ETH"``, ...; the error message lists them).

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC). ``open_interest_usd`` (USD, bar close) and
        ``open_interest_usd_open``, ``_high``, ``_low`` (USD).

    Raises
    ------
    ValueError
        If ``source`` or ``symbol`` is not available.

    See Also
    --------
    load_liquidations

    Notes
    -----
    Open interest in USD is :math:`OI_{USD} = N \\cdot s \\cdot P` for linear contracts
    (:math:`N` contracts of size :math:`s` base units at price :math:`P`) and
    :math:`N \\cdot s_{USD}` for inverse ones. The last bar of each API snapshot is partial and
    dropped; where CoinGlass snapshots overlap the later one is used.

    References
    ----------
    CoinGlass API v4, https://docs.coinglass.com/ ; Coinalyze API,
    https://api.coinalyze.net/v1/doc/

    Examples
    --------
    >>> from riskkit.data import load_open_interest
    >>> oi = load_open_interest("coinalyze", "BTC")  # doctest: +SKIP
    >>> round(oi.loc["2022-11-09", "open_interest_usd"].item() / 1e6)  # doctest: +SKIP
    348
    """
    check_option(source, "source", ("coinalyze", "coinglass"))
    repairs: list[str] = []
    if source == "coinglass":
        check_option(symbol, "symbol", ("BTC",))
        name = "coinglass_btc_open_interest"
        parts = []
        for path in _paths(name):
            frame, r = _parse_coinglass_parquet(path, _OI_COLUMNS)
            parts.append(frame[list(_OI_COLUMNS.values())])
            repairs += r
        frame = _merge_snapshots(parts)
        _note(repairs, "merged two snapshots; later snapshot preferred on the overlap")
    else:
        name = "coinalyze_binance_coinm_open_interest"
        (path,) = _paths(name)
        frame, repairs = _parse_coinalyze_oi(path, symbol)
    return _finish(frame, name, repairs, symbol=symbol)


def load_liquidations(
    symbol: str = "BTC", exchanges: str = "binance", freq: str = "4h"
) -> pd.DataFrame:
    """Exchange-reported futures liquidations in USD (CoinGlass), long and short.

    Parameters
    ----------
    symbol : {"BTC", "ETH"}
        Coin (all its futures and perpetuals).
    exchanges : {"binance", "binance+bybit+okx"}
        Exchanges aggregated.
    freq : {"4h", "1h"}
        ``"4h"``: Binance BTC 2024-11-21 .. 2025-11-14 (two snapshots merged), Binance ETH
        2025-05-18 .. 2025-11-14. ``"1h"``: Binance+Bybit+OKX BTC 2025-11-23 .. 2026-05-22.

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC). ``long_liquidations_usd``, ``short_liquidations_usd``
        and ``total_liquidations_usd`` (USD liquidated in the bar).

    Raises
    ------
    ValueError
        If the combination is not registered.

    See Also
    --------
    load_open_interest

    Notes
    -----
    .. math:: L_{total} = L_{long} + L_{short}

    where :math:`L_{long}` is the USD notional of long positions force-closed in the bar.
    These are **lower bounds**: Binance publishes at most one liquidation order per symbol
    per second on its public stream, so CoinGlass under-counts in bursts.

    References
    ----------
    Binance, Liquidation Order Streams,
    https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams

    Examples
    --------
    >>> from riskkit.data import load_liquidations
    >>> liq = load_liquidations("BTC", "binance", "4h")  # doctest: +SKIP
    >>> round(liq.loc["2025-10-10", "long_liquidations_usd"].sum() / 1e6, 1)  # doctest: +SKIP
    286.4
    """
    name = _lookup(_LIQUIDATIONS, (symbol, exchanges, freq), "symbol exchanges freq")
    paths = _paths(name)
    repairs: list[str] = []
    if freq == "1h":
        frame, repairs = _parse_coinglass_liquidations_csv(paths[0])
    else:
        parts = []
        for path in paths:
            part, r = _parse_coinglass_parquet(path, _LIQ_COLUMNS)
            parts.append(part)
            repairs += r
        frame = _merge_snapshots(parts)
        if len(parts) > 1:
            _note(repairs, "merged two snapshots; later snapshot preferred on the overlap")
        frame["total_liquidations_usd"] = (
            frame["long_liquidations_usd"] + frame["short_liquidations_usd"]
        )
    return _finish(
        frame,
        name,
        repairs,
        note="exchange-reported liquidations are lower bounds (Binance throttles its public "
        "liquidation feed to one order per symbol per second)",
    )


def load_aave_v2_liquidations() -> pd.DataFrame:
    """Aave v2 (Ethereum) liquidation events, 2020-12-17 .. 2022-04-03, one row per event.

    Returns
    -------
    pandas.DataFrame
        Indexed by event (block) time (UTC; several events can share a second).
        ``collateral_symbol``, ``principal_symbol`` (reserve token symbols; principal = the
        debt repaid), ``collateral_amount``, ``principal_amount`` (whole tokens),
        ``collateral_price_usd``, ``principal_price_usd`` (USD per token), ``collateral_usd``,
        ``principal_usd`` (USD), ``user`` (borrower address), ``liquidator`` (address).

    See Also
    --------
    load_liquidations

    Notes
    -----
    .. math:: \\text{collateral\\_usd} = a_c \\, p_c, \\qquad
              \\text{principal\\_usd} = a_p \\, p_p,

    with :math:`a` the amount in whole tokens and :math:`p` the reserve USD price joined by
    the dataset's authors. Upstream amounts are raw integer token units until 2021-09 and
    decimal-adjusted afterwards; raw integers are divided by :math:`10^{d}` (token
    decimals). Sparse columns: ``collateral_price_usd``/``collateral_usd`` are missing for
    23% of events and ``liquidator`` for 54%; ``principal_price_usd`` for 1.3%. The 7 exact
    duplicate rows are dropped.

    References
    ----------
    Aave v2 LendingPool ``liquidationCall``,
    https://docs.aave.com/developers/v/2.0/the-core-protocol/lendingpool

    Examples
    --------
    >>> from riskkit.data import load_aave_v2_liquidations
    >>> ev = load_aave_v2_liquidations()  # doctest: +SKIP
    >>> len(ev)  # doctest: +SKIP
    11490
    """
    name = "aave_v2_liquidations"
    (path,) = _paths(name)
    frame, repairs = _parse_aave_liquidations(path)
    return _finish(frame, name, repairs)


def load_orderbook_depth() -> pd.DataFrame:
    """Hyperliquid BTC perpetual order-book depth summary, 2024-01-01 .. 2025-12-02.

    Returns
    -------
    pandas.DataFrame
        Indexed by snapshot time (UTC, irregular, several per day). ``depth_50bps_usd``
        (USD of resting bids plus asks within 50 bp of mid), ``spread_bps`` (basis points of
        mid), ``mid_price`` (USD per BTC).

    See Also
    --------
    load_perp_ohlcv

    Notes
    -----
    .. math:: D_{50} = \\sum_{|p_i - m| \\le 0.005\\, m} p_i q_i, \\qquad
              \\text{spread\\_bps} = 10^4 \\, \\frac{a - b}{m},

    with :math:`m` the mid, :math:`p_i, q_i` price and size of book level :math:`i` and
    :math:`a, b` best ask and bid. Summary statistics only; the full books are not stored.

    References
    ----------
    Hyperliquid API, l2Book,
    https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint

    Examples
    --------
    >>> from riskkit.data import load_orderbook_depth
    >>> depth = load_orderbook_depth()  # doctest: +SKIP
    >>> depth.index.is_monotonic_increasing  # doctest: +SKIP
    True
    """
    name = "hyperliquid_btc_orderbook_depth"
    (path,) = _paths(name)
    frame, repairs = _parse_hyperliquid_depth(path)
    return _finish(frame, name, repairs)


def load_margin_debt() -> pd.DataFrame:
    """FINRA customer margin balances, monthly 1997-01 .. 2025-02, USD millions.

    Returns
    -------
    pandas.DataFrame
        Indexed by the **first day of the month**, 00:00 UTC (the balances are month-end
        figures reported for that month). ``margin_debt_musd`` (debit balances in customers'
        securities margin accounts), ``free_credit_cash_musd`` (free credit balances in cash
        accounts), ``free_credit_margin_musd`` (free credit balances in margin accounts; NaN
        before 2010-02), all USD millions.

    See Also
    --------
    load_sp500

    Notes
    -----
    A common leverage proxy is margin debt net of free credit,

    .. math:: \\text{net} = D - (C_{cash} + C_{margin}),

    with :math:`D` the debit balances and :math:`C` the free credit balances.

    References
    ----------
    FINRA, Margin Statistics, https://www.finra.org/rules-guidance/key-topics/margin-accounts/margin-statistics

    Examples
    --------
    >>> from riskkit.data import load_margin_debt
    >>> m = load_margin_debt()  # doctest: +SKIP
    >>> m.loc["2000-03", "margin_debt_musd"].item()  # doctest: +SKIP
    299933.0
    """
    name = "finra_margin_debt"
    (path,) = _paths(name)
    frame, repairs = _parse_finra_margin(path)
    return _finish(frame, name, repairs)


def load_sp500() -> pd.DataFrame:
    """S&P 500 monthly with Shiller fundamentals, 1871-01 .. 2026-06.

    Returns
    -------
    pandas.DataFrame
        Indexed by the first day of the month (UTC). ``sp500`` (index points, monthly
        average of daily closes), ``dividend``, ``earnings`` (index points per year),
        ``cpi`` (index), ``long_interest_rate`` (10-year Treasury yield, fraction per year),
        ``real_price``, ``real_dividend``, ``real_earnings`` (real index points), ``cape``
        (cyclically adjusted P/E). The fundamentals are NaN where the source has 0.0: after
        the Shiller series ends (last CPI 2023-09) and for CAPE in the first 10 years.

    See Also
    --------
    load_vix, load_margin_debt

    Notes
    -----
    .. math:: \\text{CAPE}_t = \\frac{P^{real}_t}{\\tfrac{1}{120}\\sum_{k=0}^{119} E^{real}_{t-k}}

    with :math:`P^{real}` the real price and :math:`E^{real}` real monthly earnings.

    References
    ----------
    Shiller, R. J. (2015). *Irrational Exuberance*, 3rd ed., Princeton University Press;
    data at http://www.econ.yale.edu/~shiller/data.htm

    Examples
    --------
    >>> from riskkit.data import load_sp500
    >>> spx = load_sp500()  # doctest: +SKIP
    >>> spx.loc["1929-09", "sp500"].item()  # doctest: +SKIP
    31.3
    """
    name = "sp500_shiller"
    (path,) = _paths(name)
    frame, repairs = _parse_shiller(path)
    return _finish(frame, name, repairs)


def load_vix() -> pd.DataFrame:
    """CBOE VIX daily OHLC, 1990-01-02 .. 2026-07-23.

    Returns
    -------
    pandas.DataFrame
        Indexed by trading date (00:00 UTC). ``open``, ``high``, ``low``, ``close`` in index
        points (annualised 30-day implied volatility in percent; divide by 100 for a
        fraction). Rows in 1990-1991 have open = high = low = close (only the close was
        published): do not use them for range-based volatility estimators.

    See Also
    --------
    load_sp500

    Notes
    -----
    .. math:: \\text{VIX} = 100 \\sqrt{\\tfrac{2}{T}\\sum_i \\tfrac{\\Delta K_i}{K_i^2}
              e^{rT} Q(K_i) - \\tfrac{1}{T}\\left(\\tfrac{F}{K_0}-1\\right)^2}

    with :math:`T` the time to expiry, :math:`K_i` strikes, :math:`Q` option mid quotes,
    :math:`F` the forward and :math:`K_0` the first strike below :math:`F`.

    References
    ----------
    Cboe, VIX White Paper, https://cdn.cboe.com/resources/vix/vixwhite.pdf

    Examples
    --------
    >>> from riskkit.data import load_vix
    >>> vix = load_vix()  # doctest: +SKIP
    >>> vix.loc["2020-03-16", "close"].item()  # doctest: +SKIP
    82.69
    """
    name = "vix"
    (path,) = _paths(name)
    frame, repairs = _parse_vix(path)
    return _finish(frame, name, repairs)


def coverage(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per loaded frame: source, first and last timestamp, rows, and vintage.

    The provenance line a chapter prints under its data cell.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Label -> frame returned by a ``load_*`` function (with ``attrs["provenance"]``).

    Returns
    -------
    DataFrame
        Indexed by label; columns ``dataset``, ``source``, ``first``, ``last`` (UTC dates),
        ``rows``.

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC", name="time")
    >>> f = pd.DataFrame({"close": [1.0, 2.0, 3.0]}, index=idx)
    >>> f.attrs.update(dataset="demo", source="by hand")
    >>> int(coverage({"demo frame": f}).loc["demo frame", "rows"])
    3
    """
    rows = []
    for label, frame in frames.items():
        if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
            raise TypeError(f"frames[{label!r}] must be a DataFrame with a DatetimeIndex")
        rows.append(
            {
                "label": label,
                "dataset": frame.attrs.get("dataset", ""),
                "source": frame.attrs.get("source", ""),
                "first": frame.index.min().strftime("%Y-%m-%d %H:%M"),
                "last": frame.index.max().strftime("%Y-%m-%d %H:%M"),
                "rows": len(frame),
            }
        )
    return pd.DataFrame(rows).set_index("label")
