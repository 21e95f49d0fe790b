"""The steering committee's dashboard as plain data: the indicators' grid (`indicators.grid`) with the
side panels and deadlines of the other apps (`panels`). Built once, shown by the page and by the pack."""

from __future__ import annotations

from indicators.grid import WINDOW_MONTHS, Block, Dashboard, default_month
from indicators.grid import build as grid_build

from . import panels

__all__ = ["WINDOW_MONTHS", "Block", "Dashboard", "build", "default_month"]


def build(user, **options) -> Dashboard:
    """The dashboard of the user's sites: `indicators.grid.build`'s options, with every side panel."""
    return grid_build(
        user, site_panels=panels.site_panels(), deadline_sources=panels.deadline_sources(), **options
    )
