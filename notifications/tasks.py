import logging
import smtplib

from celery import shared_task

logger = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before the next try: 30 s, 1 min, 2 min, 4 min, 8 min."""
    return 30 * 2**retries


@shared_task(name="notifications.tasks.send_notification_email", bind=True, max_retries=MAX_RETRIES)
def send_notification_email(self, *, notification_id: int) -> bool:
    """Send one notification's email (idempotent: a sent one is skipped). A mail failure is retried
    with exponential backoff; after the last try it is recorded on the notification and the task
    ends quietly, so it never fails the action that caused it. Run eagerly (no broker), the tries
    are made at once, in process, since an eager retry would raise into the request."""
    from .services import notification_email_failed, notification_email_send

    tries = MAX_RETRIES + 1 if self.request.is_eager else 1
    for _ in range(tries):
        try:
            return notification_email_send(notification_id=notification_id)
        except MAIL_ERRORS as error:
            notification_email_failed(notification_id=notification_id, error=str(error))
            last_error = error
    if self.request.is_eager or self.request.retries >= MAX_RETRIES:
        logger.error("Gave up emailing notification %s: %s", notification_id, last_error)
        return False
    raise self.retry(exc=last_error, countdown=backoff(self.request.retries))
