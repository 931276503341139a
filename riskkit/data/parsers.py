"""Parsers: pure functions of a path -> (frame, repairs), one per upstream file format.

Each parser reads one upstream file, repairs the defects of that format (each marked
``Defect:`` in the code) and returns a frame indexed by UTC ``time`` together with the list of
repairs made, so each repair can be tested on a small file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from riskkit._validation import check_option
from riskkit.data.repairs import _drop_last_bar, _note, _round_to_hour, _tidy

__all__: list[str] = []

_OHLCV = ["open", "high", "low", "close", "volume_base", "volume_quote"]


def _parse_cdd_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse a CryptoDataDownload OHLCV export into a frame indexed by UTC time.

    Columns keep the upstream labels, lower-cased (e.g. ``volume btc``, ``tradecount``).
    """
    repairs: list[str] = []
    with path.open("rb") as fh:
        head = fh.readline()
    # Defect: UTF-8 byte-order mark -- the utf-8-sig codec strips it.
    # Defect: CryptoDataDownload banner (the site URL) on line 1 -- skip it.
    banner = head.lstrip(b"\xef\xbb\xbf").strip().lower().startswith(b"http")
    if head.startswith(b"\xef\xbb\xbf"):
        _note(repairs, f"{path.name}: UTF-8 byte-order mark stripped")
    if banner:
        _note(repairs, f"{path.name}: CryptoDataDownload banner line skipped")
    raw = pd.read_csv(
        path, skiprows=1 if banner else 0, encoding="utf-8-sig", na_values=["NULL", ""]
    )
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    unix = pd.to_numeric(raw["unix"], errors="raise").to_numpy(dtype="float64")
    # Defect: mixed second / millisecond unix stamps -- values above 1e11 are milliseconds
    # (1e11 s is the year 5138; 1e11 ms is 1973), the others seconds.
    is_ms = unix > 1e11
    n_sec = int((~is_ms).sum())
    if is_ms.any() and n_sec:
        _note(
            repairs,
            f"{path.name}: {n_sec} second-resolution unix stamps read as seconds "
            f"next to {int(is_ms.sum())} millisecond stamps",
        )
    millis = np.where(is_ms, unix, unix * 1000.0).round().astype("int64")
    time = pd.to_datetime(millis, unit="ms", utc=True)
    frame = raw.drop(columns=[c for c in ("unix", "date", "symbol") if c in raw.columns])
    frame = frame.apply(pd.to_numeric, errors="coerce").astype("float64")
    frame.index = pd.DatetimeIndex(time, name="time")
    frame["_seconds"] = ~is_ms
    # Defect: duplicated hours (old seconds-format row and new ms-format row for the same
    # hour) -- keep the millisecond row, which has full precision and a trade count.
    frame = frame.sort_values(["time", "_seconds"], kind="stable") if len(frame) else frame
    dup = frame.index.duplicated(keep="first")
    if dup.any():
        frame = frame[~dup]
        _note(
            repairs,
            f"{path.name}: dropped {int(dup.sum())} duplicated timestamps "
            f"(kept the millisecond-format rows)",
        )
    if not pd.Index(millis).is_monotonic_increasing:
        # Defect: newest-first order -- sorted above.
        _note(repairs, f"{path.name}: newest-first rows sorted ascending")
    return frame.drop(columns="_seconds"), repairs


def _ohlcv(
    raw: pd.DataFrame, base: str, quote: str | None, quote_scale: float = 1.0
) -> pd.DataFrame:
    """Select OHLC and map upstream volume columns (by content) to volume_base/volume_quote."""
    out = raw[["open", "high", "low", "close"]].copy()
    out["volume_base"] = raw[base]
    out["volume_quote"] = raw[quote] * quote_scale if quote is not None else np.nan
    if "tradecount" in raw.columns:
        out["trades"] = raw["tradecount"]
    return out.astype("float64")


def _parse_ccxt_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the ccxt OHLCV export (naive UTC ``timestamp``, ``volume`` in base units)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    time = pd.to_datetime(raw["timestamp"], format="%Y-%m-%d %H:%M:%S").dt.tz_localize("UTC")
    frame = raw[["open", "high", "low", "close"]].astype("float64")
    frame["volume_base"] = raw["volume"].astype("float64")
    # The source has no quote volume; it is not estimated.
    frame["volume_quote"] = np.nan
    frame.index = pd.DatetimeIndex(time, name="time")
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_binance_funding_export(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Binance website funding-history CSV (Europe/London local time, '%' rates)."""
    repairs: list[str] = []
    with path.open("rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            _note(repairs, f"{path.name}: UTF-8 byte-order mark stripped")
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    local = pd.to_datetime(raw["Time"], format="%Y-%m-%d %H:%M:%S")
    # Defect: stamps are Europe/London wall-clock time (01:00/09:00/17:00 in summer,
    # 00:00/08:00/16:00 in winter), showing as 7 h / 9 h steps at DST changes. Localise and
    # convert to UTC. On autumn change days the prints at 00:00 UTC read 01:00 local, an
    # ambiguous wall time; it is the first (summer-time) occurrence, hence ambiguous=True.
    ambiguous = np.ones(len(local), dtype=bool)
    utc = (
        pd.DatetimeIndex(local)
        .tz_localize("Europe/London", ambiguous=ambiguous, nonexistent="raise")
        .tz_convert("UTC")
    )
    _note(repairs, f"{path.name}: Europe/London local times converted to UTC")
    # Defect: rates are strings like '0.010000%' -- strip '%' and divide by 100.
    rate = pd.to_numeric(raw["Funding Rate"].str.strip().str.rstrip("%"), errors="raise") / 100
    _note(repairs, f"{path.name}: percent strings converted to fractions")
    hours = pd.to_numeric(raw["Funding Interval"].str.strip().str.rstrip("h"), errors="raise")
    frame = pd.DataFrame(
        {"funding_rate": rate.to_numpy("float64"), "interval_hours": hours.to_numpy("float64")},
        index=pd.DatetimeIndex(utc, name="time"),
    )
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_binance_funding_api(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse a JSON array of Binance /fapi/v1/fundingRate records (ms times, string rates)."""
    repairs: list[str] = []
    with path.open(encoding="utf-8-sig") as fh:
        records = json.load(fh)
    raw = pd.DataFrame.from_records(records)
    time = pd.DatetimeIndex(pd.to_datetime(raw["time"].astype("int64"), unit="ms", utc=True))
    # Defect: funding times carry a few ms of settlement jitter (e.g. ...00:00:00.006):
    # round to the nearest hour, the scheduled funding time.
    rounded = _round_to_hour(time, repairs, path.name)
    frame = pd.DataFrame(
        {
            "funding_rate": pd.to_numeric(raw["funding_rate"], errors="raise").astype("float64"),
            # Binance charged BTCUSDT and ETHUSDT every 8 h over the whole file (checked: all
            # consecutive prints are 8 h apart).
            "interval_hours": 8.0,
        }
    )
    frame.index = pd.DatetimeIndex(rounded, name="time")
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_bitmex_funding(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse BitMEX /api/v1/funding CSV (ISO UTC stamps; interval as offset from 2000-01-01)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    time = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    # Defect: fundingInterval is encoded as a timestamp offset from 2000-01-01T00:00Z
    # (2000-01-01T08:00:00Z = 8 h, 2000-01-02T00:00:00Z = 24 h).
    interval = pd.to_datetime(raw["fundingInterval"], utc=True, format="ISO8601") - pd.Timestamp(
        "2000-01-01", tz="UTC"
    )
    _note(repairs, f"{path.name}: fundingInterval offsets converted to interval_hours")
    frame = pd.DataFrame(
        {
            "funding_rate": raw["fundingRate"].astype("float64").to_numpy(),
            "interval_hours": (interval.dt.total_seconds() / 3600.0).to_numpy(),
        },
        index=pd.DatetimeIndex(time, name="time"),
    )
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_coinglass_parquet(path: Path, columns: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Parse a CoinGlass API snapshot (parquet, ms ``time``), rename and drop the partial bar."""
    repairs: list[str] = []
    raw = pd.read_parquet(path)
    frame = raw[list(columns)].rename(columns=columns).astype("float64")
    frame.index = pd.DatetimeIndex(pd.to_datetime(raw["time"], unit="ms", utc=True), name="time")
    frame = _tidy(frame, repairs, what=path.name)
    # Defect: the API snapshot's last bar was still open when saved.
    return _drop_last_bar(frame, repairs, path.name), repairs


_OI_COLUMNS = {
    "close": "open_interest_usd",
    "open": "open_interest_usd_open",
    "high": "open_interest_usd_high",
    "low": "open_interest_usd_low",
}


_LIQ_COLUMNS = {
    "aggregated_long_liquidation_usd": "long_liquidations_usd",
    "aggregated_short_liquidation_usd": "short_liquidations_usd",
}


def _parse_coinglass_liquidations_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the CoinGlass hourly liquidation CSV (ms ``timestamp``, longUsd/shortUsd/totalUsd)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    frame = pd.DataFrame(
        {
            "long_liquidations_usd": raw["longUsd"].astype("float64").to_numpy(),
            "short_liquidations_usd": raw["shortUsd"].astype("float64").to_numpy(),
            "total_liquidations_usd": raw["totalUsd"].astype("float64").to_numpy(),
        },
        index=pd.DatetimeIndex(pd.to_datetime(raw["timestamp"], unit="ms", utc=True), name="time"),
    )
    frame = _tidy(frame, repairs, what=path.name)
    return _drop_last_bar(frame, repairs, path.name), repairs


def _parse_coinalyze_oi(path: Path, symbol: str) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Coinalyze open-interest CSV for one coin symbol (USD, daily OHLC)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    known = sorted(raw["coin_symbol"].unique())
    check_option(symbol, "symbol", known)
    sub = raw[raw["coin_symbol"] == symbol]
    frame = pd.DataFrame(
        {
            "open_interest_usd": sub["oi_close"].to_numpy("float64"),
            "open_interest_usd_open": sub["oi_open"].to_numpy("float64"),
            "open_interest_usd_high": sub["oi_high"].to_numpy("float64"),
            "open_interest_usd_low": sub["oi_low"].to_numpy("float64"),
        },
        index=pd.DatetimeIndex(pd.to_datetime(sub["timestamp"], unit="s", utc=True), name="time"),
    )
    frame = _tidy(frame, repairs, what=f"{path.name} [{symbol}]")
    # Defect: snapshot saved 2025-10-26 04:02 UTC, so the last daily bar covers ~4 h only.
    return _drop_last_bar(frame, repairs, f"{path.name} [{symbol}]"), repairs


# Token decimals of the Aave v2 (Ethereum) reserves in the file (ERC-20 `decimals()`; Aave
# "Amm" reserves mirror their underlying; Uniswap/Balancer LP tokens use 18).
_AAVE_DECIMALS: dict[str, int] = {
    "AAVE": 18, "AMPL": 9, "AmmBptBALWETH": 18, "AmmDAI": 18, "AmmUSDC": 6,
    "AmmUSDT": 6, "AmmUniWBTCWETH": 18, "AmmWBTC": 8, "AmmWETH": 18, "BAL": 18, "BAT": 18,
    "BUSD": 18, "CRV": 18, "DAI": 18, "DPI": 18, "ENJ": 18, "FEI": 18, "FRAX": 18, "GUSD": 2,
    "KNC": 18, "LINK": 18, "MANA": 18, "MKR": 18, "PAX": 18, "RAI": 18, "REN": 18, "SNX": 18,
    "SUSD": 18, "TUSD": 18, "UNI": 18, "USDC": 6, "USDT": 6, "UST": 6, "WBTC": 8, "WETH": 18,
    "XSUSHI": 18, "YFI": 18, "ZRX": 18,
}  # fmt: skip


def _token_amount(text: pd.Series, symbol: pd.Series, repairs: list[str], what: str) -> np.ndarray:
    """Whole-token amounts from strings that are raw integers or already decimal-adjusted."""
    # Defect: up to 2021-09 amounts are raw integer token units ('330855192754556269' WETH
    # wei); later rows are decimal-adjusted ('0.3828...'). Integers are scaled by 10**-decimals.
    s = text.astype(str).str.strip()
    value = pd.to_numeric(s, errors="coerce").to_numpy("float64")
    is_raw = ~s.str.contains(r"[.eE]", regex=True).to_numpy()
    decimals = symbol.map(_AAVE_DECIMALS).to_numpy("float64")
    unknown = is_raw & np.isnan(decimals)
    if unknown.any():
        raise ValueError(f"{what}: unknown token decimals for {sorted(set(symbol[unknown]))}")
    scaled = np.where(is_raw, value / 10.0 ** np.where(is_raw, decimals, 0.0), value)
    _note(repairs, f"{what}: {int(is_raw.sum())} raw integer amounts divided by 10**decimals")
    return scaled


def _parse_aave_liquidations(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Aave v2 liquidationCall events CSV (one row per event)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    # Defect: exact duplicate rows.
    dup = raw.duplicated(keep="first")
    if dup.any():
        raw = raw[~dup]
        _note(repairs, f"{path.name}: dropped {int(dup.sum())} exact duplicate rows")

    def num(column: str) -> np.ndarray:
        return np.asarray(pd.to_numeric(raw[column], errors="coerce"), dtype="float64")

    coll_amt = _token_amount(
        raw["collateralAmount"], raw["collateralReserve"], repairs, "collateral amounts"
    )
    prin_amt = _token_amount(
        raw["principalAmount"], raw["principalReserve"], repairs, "principal amounts"
    )
    coll_px = num("reservePriceUSDCollateral")
    prin_px = num("reservePriceUSDPrincipal")
    frame = pd.DataFrame(
        {
            "collateral_symbol": raw["collateralReserve"].to_numpy(),
            "principal_symbol": raw["principalReserve"].to_numpy(),
            "collateral_amount": coll_amt,
            "principal_amount": prin_amt,
            "collateral_price_usd": coll_px,
            "principal_price_usd": prin_px,
            # Upstream derived USD columns mix raw and scaled units; recomputed here.
            "collateral_usd": coll_amt * coll_px,
            "principal_usd": prin_amt * prin_px,
            "user": raw["user"].to_numpy(),
            "liquidator": raw["liquidator"].to_numpy(),
        },
        index=pd.DatetimeIndex(
            pd.to_datetime(raw["timestamp"].astype("int64"), unit="s", utc=True), name="time"
        ),
    )
    _note(repairs, f"{path.name}: USD amounts recomputed as amount x reserve USD price")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        _note(repairs, f"{path.name}: events sorted ascending by time")
    return frame, repairs


def _parse_hyperliquid_depth(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Hyperliquid depth-summary JSON lines (ISO UTC timestamps)."""
    repairs: list[str] = []
    raw = pd.read_json(path, lines=True, dtype=False)
    time = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    frame = pd.DataFrame(
        {
            "depth_50bps_usd": raw["depth_50bps"].astype("float64").to_numpy(),
            "spread_bps": raw["spread_bps"].astype("float64").to_numpy(),
            "mid_price": raw["mid_price"].astype("float64").to_numpy(),
        },
        index=pd.DatetimeIndex(time, name="time"),
    )
    # Defect: lines are not in time order -- sorted by _tidy.
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_finra_margin(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the FINRA margin statistics workbook (USD millions, newest first)."""
    repairs: list[str] = []
    raw = pd.read_excel(path, sheet_name=0, engine="openpyxl")
    raw.columns = [str(c).strip() for c in raw.columns]

    def col(prefix: str) -> np.ndarray:
        match = [c for c in raw.columns if c.startswith(prefix)]
        if len(match) != 1:
            raise ValueError(f"{path.name}: expected one column starting with {prefix!r}")
        return pd.to_numeric(raw[match[0]], errors="coerce").to_numpy("float64")

    month = pd.to_datetime(raw["Year-Month"].astype(str).str.strip(), format="%Y-%m")
    frame = pd.DataFrame(
        {
            "margin_debt_musd": col("Debit Balances in Customers' Securities Margin"),
            "free_credit_cash_musd": col("Free Credit Balances in Customers' Cash"),
            "free_credit_margin_musd": col("Free Credit Balances in Customers' Securities Margin"),
        },
        index=pd.DatetimeIndex(month, name="time").tz_localize("UTC"),
    )
    return _tidy(frame, repairs, what=path.name), repairs


_SHILLER_COLUMNS = {
    "SP500": "sp500",
    "Dividend": "dividend",
    "Earnings": "earnings",
    "Consumer Price Index": "cpi",
    "Long Interest Rate": "long_interest_rate",
    "Real Price": "real_price",
    "Real Dividend": "real_dividend",
    "Real Earnings": "real_earnings",
    "PE10": "cape",
}


def _parse_shiller(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the datahub S&P 500 / Shiller monthly CSV."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    frame = raw[list(_SHILLER_COLUMNS)].rename(columns=_SHILLER_COLUMNS).astype("float64")
    frame.index = pd.DatetimeIndex(pd.to_datetime(raw["Date"]), name="time").tz_localize("UTC")
    # Defect: the fundamentals are 0.0 where they are missing (after the Shiller series
    # ends in 2023, and PE10 in the first 10 years): a literal zero is never a valid value
    # of these series, so 0.0 -> NaN.
    fundamentals = [c for c in frame.columns if c != "sp500"]
    zeros = frame[fundamentals] == 0.0
    frame[fundamentals] = frame[fundamentals].mask(zeros)
    _note(
        repairs,
        f"{path.name}: {int(zeros.to_numpy().sum())} zero fundamentals set to NaN "
        f"(missing, not zero)",
    )
    # Long interest rate is quoted in percent upstream; riskkit uses fractions.
    frame["long_interest_rate"] = frame["long_interest_rate"] / 100.0
    _note(repairs, f"{path.name}: long_interest_rate converted from percent to a fraction")
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_vix(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the datahub CBOE VIX daily CSV."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    frame = raw[["open", "high", "low", "close"]].astype("float64")
    frame.index = pd.DatetimeIndex(
        pd.to_datetime(raw["date"], format="%Y-%m-%d"), name="time"
    ).tz_localize("UTC")
    flat = (
        (frame["open"] == frame["close"])
        & (frame["high"] == frame["low"])
        & (frame["high"] == frame["close"])
    )
    early = flat & (frame.index < pd.Timestamp("1992-01-01", tz="UTC"))
    _note(
        repairs,
        f"{path.name}: {int(early.sum())} rows in 1990-1991 have open=high=low=close "
        f"(only the close was published); kept, do not use them for range estimators",
    )
    return _tidy(frame, repairs, what=path.name), repairs
