"""Which importer runs which kind of background import. Apps register theirs in AppConfig.ready():
`register(TrainingImporter())`; the worker finds it by the ImportRecord's kind."""

_importers: dict = {}


def register(importer) -> None:
    _importers[importer.kind] = importer


def get(kind: str):
    try:
        return _importers[kind]
    except KeyError:
        raise LookupError(f"Import inconnu : {kind}") from None
