"""Receivers that keep public records current when something they show changes outside a
moderation service: a system's or organisation's name, a shared source's title, links
edited in the admin. Each rebuilds the read model of the records concerned (``records.touch``).
Connected when the app is ready (``IncidentsConfig.ready``).
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils import timezone

from ..choices import PUBLIC_STATE
from ..models import Incident, Organization, Source, System
from .records import touch


@receiver(post_save, sender=System)
def _system_changed(sender, instance, **kwargs):
    # A system's name, aliases or vendor are part of every record that cites it.
    touch(Incident.objects.filter(systems=instance).values_list("pk", flat=True))


PRESERVATION_FIELDS = frozenset({"preserved", "dead_since", "changed_at", "last_checked_at"})


@receiver(post_save, sender=Source)
def _source_changed(sender, instance, created, update_fields=None, **kwargs):
    # A source's title or publisher shows in every record citing it. Preservation touches
    # the records itself, and only when something public changed.
    if created or (update_fields is not None and set(update_fields) <= PRESERVATION_FIELDS):
        return
    touch(Incident.objects.filter(source_links__source=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Organization)
def _organization_changed(sender, instance, **kwargs):
    touch(Incident.objects.filter(Q(operators=instance) | Q(systems__vendor=instance)).values_list("pk", flat=True).distinct())


@receiver(m2m_changed, sender=Incident.systems.through)
@receiver(m2m_changed, sender=Incident.operators.through)
def _links_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Incident):
        if instance.status == PUBLIC_STATE:
            touch([instance.pk])
        else:  # a draft: nothing public to rebuild
            Incident.objects.filter(pk=instance.pk).update(updated_at=timezone.now())
