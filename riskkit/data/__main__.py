"""``python -m riskkit.data``: see :mod:`riskkit.data.cli`."""

from riskkit.data.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
