"""Status changes declared as data: a map from each status to the statuses it may move to.

Each app declares its map next to its model and applies every change through one service that calls
`check_transition` and records who and when (django-simple-history keeps the row's history).
"""

from django.core.exceptions import ValidationError


class Workflow:
    def __init__(
        self, transitions: dict[str, set[str] | frozenset[str]], labels: dict[str, str] | None = None
    ):
        self.transitions = {k: frozenset(v) for k, v in transitions.items()}
        self.labels = labels or {}

    def allowed(self, current: str) -> frozenset[str]:
        return self.transitions.get(current, frozenset())

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed(current)

    def check(self, current: str, target: str) -> None:
        """Raise a French ValidationError when `current → target` is not declared."""
        if not self.can(current, target):
            source, dest = self.labels.get(current, current), self.labels.get(target, target)
            raise ValidationError(
                f"Passage impossible du statut « {source} » au statut « {dest} ».",
                code="invalid_transition",
            )
