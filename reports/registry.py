"""Which builder makes which kind of document. A builder is

    build(run: ReportRun, progress: Callable[[int, str], None]) -> BuiltFile

It reads `run.department` and `run.params`, reports progress, and returns the file's bytes.
Apps register theirs in AppConfig.ready(): `register("annual", annual.build)`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class BuiltFile:
    filename: str
    content: bytes
    page_count: int | None = None


@dataclass
class Kind:
    label: str
    build: Callable


_kinds: dict[str, Kind] = {}


def register(kind: str, label: str, build: Callable) -> None:
    _kinds[kind] = Kind(label, build)


def get(kind: str) -> Kind:
    try:
        return _kinds[kind]
    except KeyError:
        raise LookupError(f"Type de document inconnu : {kind}") from None


def kinds() -> dict[str, Kind]:
    return dict(_kinds)
