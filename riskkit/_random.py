"""One way to turn a ``seed`` argument into a :class:`numpy.random.Generator`."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

__all__ = ["Seed", "as_generator"]

#: What every ``seed`` argument in riskkit accepts.
Seed: TypeAlias = int | np.random.SeedSequence | np.random.Generator | None


def as_generator(seed: Seed, name: str = "seed") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        An int >= 0 or a ``SeedSequence`` seeds a new PCG64 generator (reproducible); a
        ``Generator`` is used as given (its state advances); None draws fresh OS entropy.
    name : str, default "seed"
        Argument name for error messages.

    Raises
    ------
    TypeError
        If ``seed`` is of another type (booleans and floats included).
    ValueError
        If an int seed is negative.

    Examples
    --------
    >>> import numpy as np
    >>> a = as_generator(42).standard_normal()
    >>> b = as_generator(np.random.SeedSequence(42)).standard_normal()
    >>> bool(a == b)
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(
            f"{name} must be an int, a numpy SeedSequence, a numpy Generator or None; "
            f"got {type(seed).__name__} {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"{name} must be >= 0; got {seed}")
    return np.random.default_rng(int(seed))
