"""The annual quality report: context (plain data) → PDF or Excel renderer → delivery by a report run."""

from .context import annual_report_context

__all__ = ["annual_report_context"]
