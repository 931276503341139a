"""Optional dependencies: import them where used, and say which extra installs them.

``pip install riskkit`` gives the numerical core. Charts need altair (``riskkit[charts]``), GARCH
models need arch (``riskkit[garch]``). A function that needs a missing optional package raises an
:class:`ImportError` that names the package, what needed it and the ``pip install`` line.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = ["EXTRAS", "require"]

#: Optional package -> the extra of ``riskkit`` that installs it.
EXTRAS = {
    "altair": "charts",
    "vl_convert": "charts",
    "arch": "garch",
    "dask": "scale",
    "distributed": "scale",
}


def require(module: str, extra: str | None = None, *, feature: str | None = None) -> ModuleType:
    """Import an optional dependency, or raise an ImportError that says how to install it.

    Parameters
    ----------
    module : str
        Importable module name, e.g. ``"arch"``.
    extra : str, optional
        The ``riskkit`` extra that installs it (default: looked up in :data:`EXTRAS`).
    feature : str, optional
        What needed it, for the message (default: the calling function's name).

    Returns
    -------
    module

    Raises
    ------
    ImportError
        ``simulate_liquidation needs the optional package 'arch': pip install "riskkit[garch]"``.

    Examples
    --------
    >>> require("math").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        name = extra or EXTRAS.get(top)
        if feature is None:
            feature = _public_caller()
        how = f'pip install "riskkit[{name}]"' if name else f"pip install {top}"
        raise ImportError(
            f"{feature} needs the optional package {top!r}, which is not installed: {how}"
        ) from exc


def _public_caller() -> str:
    """Name of the innermost public riskkit function on the stack (what the user called)."""
    frame = sys._getframe(2)
    first = frame.f_code.co_name
    while frame is not None:
        name, module = frame.f_code.co_name, str(frame.f_globals.get("__name__", ""))
        if not module.startswith("riskkit"):
            break
        if not name.startswith("_") and name != "<module>":
            return name
        frame = frame.f_back  # type: ignore[assignment]
    return first if not first.startswith("<") else "riskkit"
