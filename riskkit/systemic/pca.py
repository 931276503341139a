"""Principal components of a return panel: the common factor's share of the variance.

Part of :mod:`riskkit.systemic`; import the public names from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_int as _check_int
from riskkit.exceptions import InsufficientDataError
from riskkit.systemic._common import _frame, _html

__all__ = ["PCAResult", "RollingPCA", "principal_components", "rolling_principal_components"]


def _fix_signs(vectors: np.ndarray) -> np.ndarray:
    """Flip each eigenvector (column) so that its largest-magnitude loading is positive.

    Ties in magnitude (within 1e-9) go to the first such loading, so the choice does not
    depend on rounding in the last digit.
    """
    out = vectors.copy()
    for j in range(out.shape[1]):
        mag = np.abs(out[:, j])
        k = int(np.flatnonzero(mag >= mag.max() - 1e-9)[0])
        if out[k, j] < 0:
            out[:, j] = -out[:, j]
    return out


@dataclass(frozen=True, slots=True)
class PCAResult:
    """Principal components of a return panel (:func:`principal_components`).

    Attributes
    ----------
    eigenvalues : Series
        Variances of the components (in units of the input squared, or of correlation when
        ``standardize``), largest first, indexed ``PC1, PC2, ...``.
    explained : Series
        Share of total variance of each component, in [0, 1], summing to 1.
    loadings : DataFrame
        Unit-length eigenvectors: rows = assets, columns = components; each column's
        largest-magnitude loading is positive.
    nobs : int
        Observations used (rows without NaN).
    standardize : bool
        Whether the correlation (True) or covariance (False) matrix was decomposed.
    """

    eigenvalues: pd.Series
    explained: pd.Series
    loadings: pd.DataFrame
    nobs: int
    standardize: bool

    @property
    def first_share(self) -> float:
        """Share of variance of the first component."""
        return float(self.explained.iloc[0])

    def summary(self) -> pd.DataFrame:
        """Eigenvalue, share and cumulative share of each component."""
        return pd.DataFrame(
            {
                "eigenvalue": self.eigenvalues,
                "share": self.explained,
                "cumulative": self.explained.cumsum(),
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """The loadings (assets x components)."""
        return self.loadings.copy()

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"Principal components, nobs={self.nobs}")

    def chart(self, *, title: str | None = None) -> Any:
        """Bars of the share of each component (:func:`riskkit.charts.systemic.chart_pca`)."""
        from riskkit.charts.systemic import chart_pca

        return chart_pca(self, title=title)


def _decompose(cov: np.ndarray, standardize: bool) -> tuple[np.ndarray, np.ndarray]:
    if standardize:
        sd = np.sqrt(np.diag(cov))
        cov = cov / np.outer(sd, sd)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    return np.clip(values[order], 0.0, None), _fix_signs(vectors[:, order])


def principal_components(returns: pd.DataFrame, *, standardize: bool = True) -> PCAResult:
    r"""Principal components of a panel of returns: eigen-decomposition of its covariance.

    Parameters
    ----------
    returns : DataFrame
        Returns in columns (one asset per column, at least 2), an increasing unique index.
        Rows with a NaN are dropped.
    standardize : bool, default True
        Decompose the correlation matrix (each asset scaled to unit variance) rather than the
        covariance matrix; with assets of very different volatility the covariance's first
        component is mostly the most volatile asset.

    Returns
    -------
    PCAResult
        Eigenvalues, shares of variance and loadings with a fixed sign convention.

    Raises
    ------
    TypeError
        If ``returns`` is not a DataFrame.
    ValueError
        For infinite values, fewer than 2 columns, an unsorted or duplicated index, or a
        constant column.
    InsufficientDataError
        With fewer complete rows than columns + 1.

    See Also
    --------
    rolling_principal_components : The first component's share over a moving window.
    rolling_beta : The same idea for one asset and one named factor.

    Notes
    -----
    With :math:`\Sigma` the sample covariance (or correlation) matrix of the :math:`N` return
    series,

    .. math:: \Sigma = V \Lambda V^\top, \qquad
              s_k = \frac{\lambda_k}{\sum_{j=1}^{N} \lambda_j},

    :math:`\lambda_1 \ge \dots \ge \lambda_N` the eigenvalues, :math:`V` the orthonormal
    eigenvectors (loadings) and :math:`s_k` the share of total variance of component
    :math:`k`. An eigenvector is defined only up to its sign, and which sign a LAPACK routine
    returns depends on the BLAS kernel; here each one is flipped so that its largest-magnitude
    loading is positive, which makes the result deterministic. A high :math:`s_1` means one
    common factor drives the panel: diversifying across its assets does little.

    References
    ----------
    Kritzman, M., Li, Y., Page, S. and Rigobon, R. (2011). "Principal Components as a Measure
    of Systemic Risk". Journal of Portfolio Management 37(4), 112-126.
    https://doi.org/10.3905/jpm.2011.37.4.112

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=4, freq="D")
    >>> r = pd.DataFrame({"a": [1.0, -1.0, 1.0, -1.0], "b": [1.0, -1.0, -1.0, 1.0]}, idx)
    >>> res = principal_components(r)
    >>> res.explained.round(3).tolist()
    [0.5, 0.5]
    >>> r["b"] = [1.0, -1.0, 1.0, -0.8]
    >>> round(principal_components(r).first_share, 3)
    0.999
    """
    frame = _frame(returns, "returns").dropna()
    if not isinstance(standardize, bool):
        raise TypeError(f"standardize must be a bool; got {type(standardize).__name__}")
    k = frame.shape[1]
    if len(frame) < k + 1:
        raise InsufficientDataError(
            f"principal_components needs at least {k + 1} complete rows for {k} columns; "
            f"got {len(frame)}"
        )
    values = frame.to_numpy()
    sd = values.std(axis=0)
    if (sd == 0).any():
        flat = [c for c, s in zip(frame.columns, sd, strict=True) if s == 0]
        raise ValueError(f"returns has constant column(s) {flat}; drop them first")
    cov = np.cov(values, rowvar=False)
    lam, vec = _decompose(cov, standardize)
    names = [f"PC{i + 1}" for i in range(k)]
    return PCAResult(
        eigenvalues=pd.Series(lam, index=names, name="eigenvalue"),
        explained=pd.Series(lam / lam.sum(), index=names, name="share"),
        loadings=pd.DataFrame(vec, index=frame.columns, columns=names),
        nobs=len(frame),
        standardize=standardize,
    )


@dataclass(frozen=True, slots=True)
class RollingPCA:
    """The first principal component over a moving window (:func:`rolling_principal_components`).

    Attributes
    ----------
    table : DataFrame
        Index: window ends; ``first_share`` (share of variance of PC1, in [0, 1]) and one
        ``loading_<asset>`` column per asset (PC1's loadings, sign-fixed).
    window : int
        Observations per window.
    standardize : bool
        Correlation (True) or covariance (False) matrix.
    """

    table: pd.DataFrame
    window: int
    standardize: bool

    @property
    def first_share(self) -> pd.Series:
        """Share of variance of the first component at each window end."""
        return self.table["first_share"]

    def summary(self) -> pd.DataFrame:
        """Distribution of the first component's share: mean, min, median, max, last."""
        s = self.first_share
        return pd.DataFrame(
            {"mean": s.mean(), "min": s.min(), "median": s.median(), "max": s.max(),
             "last": s.iloc[-1]},
            index=[f"PC1 share, {self.window} obs"],
        )  # fmt: skip

    def to_frame(self) -> pd.DataFrame:
        """The rolling table."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Rolling principal components")

    def chart(self, *, title: str | None = None) -> Any:
        """Line of PC1's share (:func:`riskkit.charts.systemic.chart_rolling_pca`)."""
        from riskkit.charts.systemic import chart_rolling_pca

        return chart_rolling_pca(self, title=title)


def rolling_principal_components(
    returns: pd.DataFrame, window: int, *, standardize: bool = True
) -> RollingPCA:
    r"""Share of variance and loadings of the first principal component over a moving window.

    Parameters
    ----------
    returns : DataFrame
        Returns in columns (at least 2), an increasing unique index; rows with a NaN are
        dropped before the windows are counted.
    window : int
        Observations per window, >= number of columns + 1.
    standardize : bool, default True
        Correlation (True) or covariance (False) matrix.

    Returns
    -------
    RollingPCA

    Raises
    ------
    TypeError, ValueError, InsufficientDataError
        As :func:`principal_components`; also if ``window`` is too small or too long.

    See Also
    --------
    principal_components

    Notes
    -----
    The window covariance matrices are built from prefix sums of :math:`r_{s,i} r_{s,j}`
    (:math:`O(T N^2)`), then decomposed in one batched ``numpy.linalg.eigh`` call. The share
    of PC1 is :math:`\lambda_{1,t} / \sum_j \lambda_{j,t}` in the window ending at
    :math:`t`; a window in which an asset is constant gets NaN.

    References
    ----------
    Kritzman, M., Li, Y., Page, S. and Rigobon, R. (2011). "Principal Components as a Measure
    of Systemic Risk". Journal of Portfolio Management 37(4), 112-126.
    https://doi.org/10.3905/jpm.2011.37.4.112

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=5, freq="D")
    >>> r = pd.DataFrame({"a": [1.0, -1.0, 1.0, -1.0, 1.0], "b": [1.0, -1.0, 1.0, -1.0, 1.0]}, idx)
    >>> rolling_principal_components(r, window=4).first_share.round(3).tolist()
    [1.0, 1.0]
    """
    frame = _frame(returns, "returns").dropna()
    if not isinstance(standardize, bool):
        raise TypeError(f"standardize must be a bool; got {type(standardize).__name__}")
    k = frame.shape[1]
    n = _check_int(window, "window", k + 1)
    if len(frame) < n:
        raise InsufficientDataError(
            f"rolling_principal_components needs at least window={n} complete rows; "
            f"got {len(frame)}"
        )
    r = frame.to_numpy()
    r = r - r.mean(axis=0)
    c1 = np.concatenate((np.zeros((1, k)), np.cumsum(r, axis=0)))
    c2 = np.concatenate((np.zeros((1, k, k)), np.cumsum(r[:, :, None] * r[:, None, :], axis=0)))
    s1 = c1[n:] - c1[:-n]
    s2 = c2[n:] - c2[:-n]
    cov = (s2 - s1[:, :, None] * s1[:, None, :] / n) / (n - 1)
    var = np.diagonal(cov, axis1=1, axis2=2)
    ok = (var > 1e-14 * np.maximum(np.abs(var).max(), 1e-300)).all(axis=1)
    if standardize:
        sd = np.sqrt(np.where(var > 0, var, 1.0))
        cov = cov / (sd[:, :, None] * sd[:, None, :])
    lam, vec = np.linalg.eigh(cov)
    lam = np.clip(lam, 0.0, None)
    share = lam[:, -1] / lam.sum(axis=1)
    first = vec[:, :, -1]
    mag = np.abs(first)
    pick = np.argmax(mag >= mag.max(axis=1, keepdims=True) - 1e-9, axis=1)
    sign = np.sign(first[np.arange(len(first)), pick])
    first = first * np.where(sign == 0, 1.0, sign)[:, None]
    share = np.where(ok, share, np.nan)
    first = np.where(ok[:, None], first, np.nan)
    table = pd.DataFrame(
        {
            "first_share": share,
            **{f"loading_{c}": first[:, i] for i, c in enumerate(frame.columns)},
        },
        index=frame.index[n - 1 :],
    )
    return RollingPCA(table=table, window=n, standardize=standardize)
