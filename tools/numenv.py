"""A second numerical environment for the portability run of strict nbval.

Usage:
  ``python tools/numenv.py``          print ``NAME=value`` lines for ``env`` (what ``make`` uses)
  ``python tools/numenv.py --check``  run inside that environment: report and verify it took

The committed chapter outputs must be reproduced bit for bit on machines other than the one that
made them. This picks, for the machine it runs on, an environment that differs from the default
in every way that moves floating-point results or text:

* another OpenBLAS kernel (``OPENBLAS_CORETYPE``): Haswell, or Sandybridge where Haswell is the
  default; checked with threadpoolctl, since OpenBLAS silently ignores names it does not know;
* numpy without its widest SIMD kernels (``NPY_DISABLE_CPU_FEATURES``: every dispatched AVX-512
  group the machine has);
* one thread instead of several (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ...);
* a non-UTC time zone with a half-hour offset (``TZ=Asia/Kolkata``);
* a non-English locale (``de_DE.UTF-8``) where the machine has one.
"""

from __future__ import annotations

import os
import subprocess
import sys

THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
LOCALES = ("de_DE.utf8", "fr_FR.utf8", "es_ES.utf8")


def _blas_kernels() -> list[str]:
    import numpy  # noqa: F401  (loads its OpenBLAS)
    import scipy.linalg  # noqa: F401  (and scipy's)
    from threadpoolctl import threadpool_info

    return [i.get("architecture", "?") for i in threadpool_info() if i["user_api"] == "blas"]


def _default_kernel() -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    code = (
        "import sys; sys.path.insert(0, 'tools'); import numenv; print(numenv._blas_kernels()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return out.stdout.strip() or "?"


def _avx512_groups() -> list[str]:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    wide = ("X86_V4", "AVX512")
    return [f for f in __cpu_dispatch__ if __cpu_features__.get(f) and f.startswith(wide)]


def _locale() -> str | None:
    try:
        have = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    except OSError:
        return None
    have_lower = {h.lower(): h for h in have}
    for name in LOCALES:
        if name.lower() in have_lower:
            return have_lower[name.lower()]
    return None


def environment() -> dict[str, str]:
    default = _default_kernel()
    env = {"OPENBLAS_CORETYPE": "Sandybridge" if default.lower() == "haswell" else "Haswell"}
    groups = _avx512_groups()
    if groups:
        env["NPY_DISABLE_CPU_FEATURES"] = ",".join(groups)
    env.update(dict.fromkeys(THREADS, "1"))
    env["TZ"] = "Asia/Kolkata"
    loc = _locale()
    if loc:
        env["LC_ALL"] = loc
        env["LANG"] = loc
    env["RISKKIT_DEFAULT_BLAS"] = default
    return env


def check() -> int:
    import time

    from threadpoolctl import threadpool_info

    want = os.environ.get("OPENBLAS_CORETYPE", "")
    kernels = _blas_kernels()
    threads = {i["num_threads"] for i in threadpool_info()}
    from numpy._core._multiarray_umath import __cpu_features__

    disabled = [f for f in os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split(",") if f]
    still_on = [f for f in disabled if __cpu_features__.get(f)]
    default = os.environ.get("RISKKIT_DEFAULT_BLAS", "?")
    sys.stdout.write(
        f"portability run: OpenBLAS kernels {kernels} (default here {default}), threads "
        f"{sorted(threads)}, numpy SIMD disabled {disabled or 'none available'}, "
        f"TZ={os.environ.get('TZ')} ({time.strftime('%z')}), LC_ALL={os.environ.get('LC_ALL')}\n"
    )
    problems = []
    if any(k.lower() != want.lower() for k in kernels):
        problems.append(f"OpenBLAS did not switch to {want}: {kernels}")
    if default != "?" and any(k.lower() == default.lower() for k in kernels):
        problems.append(f"the kernel {kernels} is the machine's default")
    if threads != {1}:
        problems.append(f"BLAS threads {threads}, expected 1")
    if still_on:
        problems.append(f"numpy kept {still_on} enabled")
    if time.strftime("%z") == "+0000":
        problems.append("the time zone is still UTC")
    for p in problems:
        sys.stderr.write(f"numenv: {p}\n")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--check"]:
        return check()
    for key, value in environment().items():
        sys.stdout.write(f"{key}={value}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
