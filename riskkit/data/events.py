"""The crash catalogue: :data:`EVENTS`, :func:`event` and :func:`events_frame`.

The crashes used throughout the book (2020-03-12 ... 2025-10-10), with UTC windows, a
description with numbers and units, and a source.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from riskkit._validation import check_option

__all__ = ["EVENTS", "CrashEvent", "event", "events_frame"]


@dataclass(frozen=True, slots=True)
class CrashEvent:
    """A crash episode used in the book: key, name, UTC window, description and source.

    Parameters
    ----------
    key : str
        Short identifier, e.g. ``"2020-03-12"``.
    name : str
        Common name.
    start, end : pandas.Timestamp
        First and last UTC day of the episode (inclusive; ``end`` is the day's 00:00).
    description : str
        What happened, with numbers and units.
    source : str
        URL or citation for the description.
    """

    key: str
    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    description: str
    source: str

    def to_frame(self) -> pd.DataFrame:
        """One row indexed by ``key`` (the row of :func:`events_frame`)."""
        return pd.DataFrame(
            {
                "name": [self.name],
                "start": [self.start],
                "end": [self.end],
                "description": [self.description],
                "source": [self.source],
            },
            index=pd.Index([self.key], name="key"),
        )

    def summary(self) -> pd.DataFrame:
        """The fields as a one-column frame."""
        return self.to_frame().T.rename(columns={self.key: "value"})

    def _repr_html_(self) -> str:
        return f"<h4>{self.name}</h4>" + self.to_frame().to_html()


def _ts(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


#: The crash catalogue used to annotate charts and slice windows (see :class:`CrashEvent`).
EVENTS: tuple[CrashEvent, ...] = (
    CrashEvent(
        "2020-03-12",
        'COVID crash ("Black Thursday")',
        _ts("2020-03-12"),
        _ts("2020-03-13"),
        "Two legs (about 10:00-11:00 UTC and 23:00-02:15 UTC): BitMEX XBTUSD 7,353 -> 3,978, "
        "bottom 3,596; over 700m USD of perpetuals liquidated on BitMEX in the first leg. "
        "Binance spot BTCUSDT low 4,410 on 2020-03-12, 3,782 on 2020-03-13.",
        "LedgerPrime Research, 'Crypto's Black Thursday: the Market Crash of March 2020', "
        "https://www.research.ledgerprime.com/p/cryptos-black-thursday-the-market",
    ),
    CrashEvent(
        "2021-05-19",
        "China crypto ban sell-off",
        _ts("2021-05-19"),
        _ts("2021-05-19"),
        "After Chinese industry associations barred institutions from crypto services "
        "(2021-05-18), BTC fell to 30,000 on Binance spot (COIN-M perpetual 27,244).",
        "Mint, 'What sent crypto market into a 24-hour tailspin', 2021-05-20, "
        "https://www.livemint.com/market/cryptocurrency/what-sent-crypto-market-into-a-24-hour-"
        "tailspin/amp-11621531928694.html",
    ),
    CrashEvent(
        "2022-05-luna",
        "Terra LUNA/UST collapse",
        _ts("2022-05-07"),
        _ts("2022-05-13"),
        "UST lost its dollar peg from 2022-05-07; LUNA fell from about 80 USD to near zero and "
        "the Terra chain was halted on 2022-05-13; BTC fell to 26,700 on Binance spot "
        "(2022-05-12).",
        "Liu, Makarov & Schoar (2023), 'Anatomy of a Run: The Terra Luna Crash', NBER WP "
        "31160, doi:10.3386/w31160; BIS Bulletin 69 (2023), https://www.bis.org/publ/bisbull69.htm",
    ),
    CrashEvent(
        "2022-11-ftx",
        "FTX collapse",
        _ts("2022-11-06"),
        _ts("2022-11-11"),
        "Run on FTX after reports on Alameda's balance sheet (2022-11-02..06); withdrawals "
        "halted 2022-11-08, Chapter 11 filing 2022-11-11. BTC low 15,588 on Binance spot "
        "(2022-11-09).",
        "BIS Bulletin 69 (2023), 'Crypto shocks and retail losses', "
        "https://www.bis.org/publ/bisbull69.htm",
    ),
    CrashEvent(
        "2024-08-05",
        "Yen carry-trade unwind",
        _ts("2024-08-05"),
        _ts("2024-08-05"),
        "After the Bank of Japan hike of 2024-07-31 the yen rallied and the Nikkei fell 12%; "
        "BTC dropped below 50,000 (Binance spot low 49,000; perpetual 48,888), about 1bn USD "
        "of crypto liquidations in 24 h.",
        "Decrypt, 'What Is the Yen Carry Trade...', 2024-08-05, "
        "https://decrypt.co/243249/what-is-carry-trade-japanese-yen-bitcoin-crash",
    ),
    CrashEvent(
        "2025-10-10",
        "Tariff announcement crash",
        _ts("2025-10-10"),
        _ts("2025-10-11"),
        "A 100% US tariff on Chinese imports was announced on 2025-10-10; about 19.1bn USD of "
        "positions were liquidated in 24 h (CoinGlass), the largest on record, mostly longs. "
        "Binance BTCUSDT perpetual 21:00 UTC bar low 101,516.5.",
        "AInvest / CoinGlass data, 'Leverage reckoning: tariffs trigger historic crypto "
        "collapse', 2025-10, https://www.ainvest.com/news/bitcoin-news-today-leverage-"
        "reckoning-tariffs-trigger-historic-crypto-collapse-2510",
    ),
)


def event(key: str) -> CrashEvent:
    """Look up a crash event by key.

    Parameters
    ----------
    key : str
        One of ``[e.key for e in EVENTS]``.

    Returns
    -------
    CrashEvent

    Raises
    ------
    ValueError
        If ``key`` is unknown; the message lists the known keys.

    Examples
    --------
    >>> from riskkit.data import event
    >>> str(event("2020-03-12").start.date())
    '2020-03-12'
    """
    keys = [e.key for e in EVENTS]
    check_option(key, "key", keys)
    return EVENTS[keys.index(key)]


def events_frame() -> pd.DataFrame:
    """The crash catalogue as a DataFrame (for chart annotations).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``; columns ``name``, ``start``, ``end`` (UTC timestamps),
        ``description``, ``source``.

    Examples
    --------
    >>> from riskkit.data import events_frame
    >>> events_frame().loc["2022-11-ftx", "name"]
    'FTX collapse'
    """
    rows = [
        {
            "key": e.key,
            "name": e.name,
            "start": e.start,
            "end": e.end,
            "description": e.description,
            "source": e.source,
        }
        for e in EVENTS
    ]
    return pd.DataFrame(rows).set_index("key")
