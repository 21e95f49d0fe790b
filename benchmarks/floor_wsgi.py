"""The project's WSGI application with the benchmarks' floor added (benchmarks/floor.py): served by
gunicorn in benchmarks/load.py only, so the load run measures the floor through the same server."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import install_floor  # noqa: E402

from qualipref.wsgi import application  # noqa: E402

install_floor()

__all__ = ["application"]
