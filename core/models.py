from django.db import models


class OutboxTask(models.Model):
    """A task recorded in the same transaction as the change that needs it (a transactional
    outbox). It is published to the broker after commit; when the broker is down it stays here and
    the periodic sweep publishes it later, so no submission's work is lost. Tasks are idempotent, so
    publishing one twice does nothing twice."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "dispatched" if self.dispatched_at else "pending"
        return f"{self.task_name}({self.kwargs}) {state}"
