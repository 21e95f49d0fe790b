from celery import shared_task

from .services import correspondences_anonymise


@shared_task(name="complaints.anonymise_requesters")
def anonymise_requesters():
    """Nightly: blank requesters' personal data after the retention period (safe to run twice)."""
    return correspondences_anonymise()
