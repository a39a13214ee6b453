"""django-tasks entry points for the outbound queue (database backend in production)."""

from django_tasks import task

from concierge.emails import outbound_send, outbound_send_due


@task()
def send_outbound_email(outbound_id: int) -> str:
    """Send one queued email right after the transaction that queued it commits."""
    return outbound_send(outbound_id=outbound_id)


@task()
def send_queued_mail() -> dict:
    """Send everything due, including retries; schedule it like `manage.py send_queued_mail`."""
    result = outbound_send_due()
    return {"sent": result.sent, "retrying": result.retrying, "failed": result.failed}
