"""Every new shared source is preserved: once the transaction that created it commits, the
worker is asked to fetch it (``tasks.preserve_source``). A receiver, so the domain services
that create sources need not know about preservation; imports load sources in bulk and are
preserved by the periodic check instead.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from ..models import Source
from ..tasks import preserve_source


def queue(source_id: int) -> None:
    """Ask the worker to preserve a new source once the current transaction commits.

    Never raises: a submission or publication must not fail because the queue did.
    """
    if settings.PRESERVATION_ENABLED:
        transaction.on_commit(lambda: preserve_source.enqueue(source_id), robust=True)


@receiver(post_save, sender=Source, dispatch_uid="incidents-preserve-new-source")
def _source_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.url:  # a testimony without a link has nothing to fetch
        queue(instance.pk)
