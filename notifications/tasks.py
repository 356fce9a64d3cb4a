import logging
import smtplib

from celery import shared_task

logger = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


@shared_task(name="notifications.tasks.send_notification_email", bind=True, max_retries=MAX_RETRIES)
def send_notification_email(self, *, notification_id: int) -> bool:
    """Send one notification's email (idempotent: a sent one is skipped). A mail failure is retried
    with exponential backoff; after the last attempt it is recorded on the notification and the task
    ends quietly, so it never fails the action that caused it."""
    from .services import notification_email_failed, notification_email_send

    try:
        return notification_email_send(notification_id=notification_id)
    except MAIL_ERRORS as error:
        notification_email_failed(notification_id=notification_id, error=str(error))
        if self.request.retries >= MAX_RETRIES:
            logger.error("Gave up emailing notification %s: %s", notification_id, error)
            return False
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
