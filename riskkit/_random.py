"""One way to turn a ``seed`` argument into a :class:`numpy.random.Generator`, a
:class:`numpy.random.SeedSequence`, or independent streams per block of simulated paths
(:class:`PathStreams`, whose results do not depend on how the paths are chunked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np

__all__ = ["PathStreams", "Seed", "as_generator", "as_seed_sequence"]

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


def as_seed_sequence(seed: Seed, name: str = "seed") -> np.random.SeedSequence:
    """Return a :class:`numpy.random.SeedSequence` for ``seed``, without mutating it.

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        An int >= 0 is the entropy of a new sequence; a ``SeedSequence`` is copied (so that
        spawning from the copy leaves the caller's counter alone); a ``Generator``, see
        Returns; None draws fresh OS entropy.
    name : str, default "seed"
        Argument name for error messages.

    Returns
    -------
    numpy.random.SeedSequence
        For a Generator that has not drawn anything yet, the sequence it was seeded with (so
        ``default_rng(5)`` gives what ``5`` gives, as with :func:`as_generator`); otherwise a
        sequence seeded from its draws. Either way the Generator's state advances, so two
        calls with the same Generator give different streams.

    Raises
    ------
    TypeError, ValueError
        As :func:`as_generator`.

    Examples
    --------
    >>> ss = np.random.SeedSequence(7)
    >>> as_seed_sequence(7).entropy == as_seed_sequence(ss).entropy == 7
    True
    """
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size
        )
    if isinstance(seed, np.random.Generator):
        fresh = _fresh_seed_sequence(seed)
        draws = seed.integers(0, 2**63, size=4, dtype=np.int64)  # the state advances
        if fresh is not None:
            return fresh
        return np.random.SeedSequence([int(d) for d in draws])
    if seed is None:
        return np.random.SeedSequence()
    as_generator(seed, name)  # type and range check
    return np.random.SeedSequence(int(seed))


def _fresh_seed_sequence(gen: np.random.Generator) -> np.random.SeedSequence | None:
    """The SeedSequence ``gen`` was seeded with if it has not drawn yet, else None."""
    bitgen = gen.bit_generator
    ss = getattr(bitgen, "seed_seq", None)
    if not isinstance(ss, np.random.SeedSequence):
        return None
    try:
        untouched = type(bitgen)(ss).state == bitgen.state
    except (TypeError, ValueError):  # pragma: no cover - exotic bit generators
        return None
    if not untouched:
        return None
    return np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key, pool_size=ss.pool_size)


class PathStreams:
    """Independent random streams per block of simulated paths, whatever the chunking.

    Path ``i`` belongs to block ``i // block``; variate ``kinds[k]`` of block ``b`` is drawn
    from the generator seeded by the ``SeedSequence`` child with spawn key
    ``root.spawn_key + (b, k)``, i.e. ``root.spawn(n_blocks)[b].spawn(len(kinds))[k]`` of a
    fresh root. Within a block the rows (paths) of each kind are drawn in order, row after
    row, so that drawing rows ``0..9`` and then ``10..19`` gives the same numbers as drawing
    ``0..19`` at once: a simulation that takes its paths in chunks of any size sees the same
    numbers for every path, and so gives the same result, bit for bit.

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        See :func:`as_seed_sequence`.
    kinds : tuple of str
        Names of the independent variates (e.g. ``("normal", "bridge")``).
    block : int, default 1024
        Paths per block.

    Examples
    --------
    >>> s, t = PathStreams(1, ("normal",)), PathStreams(1, ("normal",))
    >>> a = np.empty((3, 2))
    >>> s.fill("normal", a, 0, lambda g, out: g.standard_normal(out=out))
    >>> b = np.empty((1, 2)); c = np.empty((2, 2))
    >>> t.fill("normal", b, 0, lambda g, out: g.standard_normal(out=out))
    >>> t.fill("normal", c, 1, lambda g, out: g.standard_normal(out=out))
    >>> bool((a == np.vstack([b, c])).all())
    True
    """

    __slots__ = ("_gens", "_next", "block", "kinds", "root")

    def __init__(self, seed: Seed, kinds: tuple[str, ...], block: int = 1024) -> None:
        self.root = as_seed_sequence(seed)
        self.kinds = tuple(kinds)
        self.block = int(block)
        self._gens: dict[tuple[int, int], np.random.Generator] = {}
        self._next: dict[tuple[int, int], int] = {}

    def _generator(self, b: int, k: int) -> np.random.Generator:
        key = (b, k)
        gen = self._gens.get(key)
        if gen is None:
            ss = np.random.SeedSequence(
                self.root.entropy,
                spawn_key=(*self.root.spawn_key, b, k),
                pool_size=self.root.pool_size,
            )
            gen = self._gens[key] = np.random.Generator(np.random.PCG64(ss))
            self._next[key] = b * self.block
        return gen

    def fill(
        self,
        kind: str,
        out: np.ndarray,
        start: int,
        draw: Callable[[np.random.Generator, np.ndarray], object],
    ) -> None:
        """Fill ``out`` (rows = paths ``start, start + 1, ...``) block by block with ``draw``.

        ``draw(generator, rows)`` fills the C-contiguous view ``rows`` of ``out`` in place.
        Each block's rows must be requested in order (a ``RuntimeError`` otherwise).
        """
        k = self.kinds.index(kind)
        stop = start + out.shape[0]
        row = start
        while row < stop:
            b = row // self.block
            end = min(stop, (b + 1) * self.block)
            gen = self._generator(b, k)
            if self._next[(b, k)] != row:
                raise RuntimeError(
                    f"PathStreams: block {b} of {kind!r} continues at row "
                    f"{self._next[(b, k)]}; got a request for row {row}"
                )
            draw(gen, out[row - start : end - start])
            self._next[(b, k)] = end
            if end == (b + 1) * self.block:  # block complete: free its generator
                del self._gens[(b, k)]
            row = end
