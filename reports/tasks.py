from celery import shared_task


@shared_task(name="reports.tasks.render_report", acks_late=True)
def render_report(*, report_id: int) -> str:
    """Render one report and store it (idempotent: a ready or claimed report is left alone)."""
    from .services import report_render

    return report_render(report_id=report_id)


@shared_task(name="reports.tasks.redispatch_stuck")
def redispatch_stuck() -> int:
    """Run by beat: publish again the renders of reports stuck past their lease."""
    from .services import reports_redispatch_stuck

    return reports_redispatch_stuck()
