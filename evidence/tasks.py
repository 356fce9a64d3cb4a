"""Periodic evidence retention (run by beat daily, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(name="evidence.tasks.expire_files")
def expire_files() -> int:
    """Delete stored files of assessments past EVIDENCE_RETENTION_DAYS. Idempotent."""
    from .services import evidence_files_expire

    return evidence_files_expire()
