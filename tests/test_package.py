"""Tests of the package surface: public names, cheap import, no printing."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import riskkit

PKG = Path(riskkit.__file__).parent


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert riskkit.__all__ == sorted(riskkit.__all__)
    for name in riskkit.__all__:
        assert getattr(riskkit, name) is not None, name
    assert set(riskkit.__all__) <= set(dir(riskkit))


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        riskkit.nope  # noqa: B018


def test_import_is_cheap() -> None:
    code = (
        "import sys, riskkit; riskkit.liquidation_price; "
        "heavy = [m for m in ('altair', 'statsmodels', 'arch', 'pooch', 'requests') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


@pytest.mark.parametrize("path", sorted(PKG.glob("*.py")), ids=lambda p: p.name)
def test_module_has_all_and_never_prints(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prints = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
    ]
    assert prints == [], f"{path.name} calls print() at lines {prints}; use the module logger"
    if path.name.startswith("_") and path.name != "__init__.py":
        return
    assigns = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            getattr(t, "id", None) == "__all__"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    ]
    assert assigns, f"{path.name} has no __all__"  # (ruff RUF022 keeps each one sorted)


@pytest.mark.parametrize(
    ("module", "extra"), [("arch", "garch"), ("altair", "charts"), ("vl_convert", "charts")]
)
def test_missing_optional_package_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, extra: str
) -> None:
    import builtins
    import importlib

    from riskkit._compat import require

    real_import = importlib.import_module

    def fake(name: str, *args: object) -> object:
        if name.split(".")[0] == module:
            raise ModuleNotFoundError(f"No module named {module!r}")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake)
    assert builtins  # the message, not the traceback, is what a user reads:
    with pytest.raises(
        ImportError,
        match=rf"needs the optional package {module!r}, which is not "
        rf'installed: pip install "riskkit\[{extra}\]"',
    ):
        require(module)


def test_public_functions_without_arch_or_altair_say_which_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    import numpy as np

    from riskkit import charts, risk, survival

    real_import = importlib.import_module

    def fake(name: str, *args: object) -> object:
        if name.split(".")[0] in {"arch", "altair"}:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake)
    r = np.random.default_rng(0).normal(0, 0.01, 600)
    with pytest.raises(
        ImportError, match=r"fit_return_model needs the optional package \'arch\'.*riskkit\[garch\]"
    ):
        survival.fit_return_model(r, "garch_t")
    with pytest.raises(ImportError, match=r"riskkit\[garch\]"):
        risk.var_es(r, 0.99, method="filtered")
    with pytest.raises(
        ImportError, match=r"enable needs the optional package \'altair\'.*riskkit\[charts\]"
    ):
        charts.enable()
