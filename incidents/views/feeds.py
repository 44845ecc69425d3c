"""Atom feeds of published incidents: all of them, and one per system.

Each entry's ``updated`` is the record's last change, so a corrected record shows as
updated in a reader; a withdrawal is announced by an entry of its own (what was withdrawn
and why, never the withdrawn content). The feed names its author, as RFC 4287 requires.
"""

from datetime import UTC, datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ..choices import OutcomeType, Status
from ..countries import country_name
from ..models import Incident
from ..public import selectors

FEED_SIZE = 50


class LatestIncidents(Feed):
    feed_type = Atom1Feed
    author_name = "Wrongful Identification Registry"
    title = "Wrongful Identification Registry: newly published incidents"
    subtitle = "People wrongly identified by facial recognition and other biometric or identity-database systems."

    def link(self):
        return reverse("incidents:list")

    def incidents(self, obj):
        return selectors.public_facts()

    def withdrawn(self, obj):
        return Incident.objects.filter(status=Status.WITHDRAWN)

    def items(self, obj=None):
        rows = selectors.summaries(self.incidents(obj).only("published_at")[:FEED_SIZE])
        updated = dict(Incident.objects.filter(public_id__in=[r["public_id"] for r in rows]).values_list("public_id", "updated_at"))
        for row in rows:
            row["updated"] = updated.get(row["public_id"])
        retired = [{"public_id": i.public_id, "title": f"Withdrawn: {i.public_id}", "withdrawn": i.withdrawn_reason, "updated": i.updated_at,
                    "published_at": i.published_at.isoformat()}
                   for i in self.withdrawn(obj).only("public_id", "withdrawn_reason", "updated_at", "published_at").order_by("-updated_at")[:FEED_SIZE]]
        return sorted(rows + retired, key=lambda r: r["updated"] or datetime.min.replace(tzinfo=UTC), reverse=True)[:FEED_SIZE]

    # Items are list summaries (selectors.summaries): dicts, as the API and the pages list them.

    def item_title(self, item):
        if "withdrawn" in item:
            return item["title"]
        return f"{item['public_id']}: {item['title']}"

    def item_description(self, item):
        if "withdrawn" in item:
            return f"This record was withdrawn from public view. Reason: {item['withdrawn']}"
        place = ", ".join(x for x in (item["city"], item["region"], country_name(item["country"])) if x)
        systems = ", ".join(s["name"] for s in item["systems"]) or "system not named"
        outcomes = ", ".join(str(OutcomeType(t).label) for t in item["outcome_types"])
        return f"{place}. {systems}. Outcomes: {outcomes or 'none recorded'}."

    def item_link(self, item):
        return reverse("incidents:incident", args=[item["public_id"]])

    def item_guid(self, item):
        return f"urn:wir:{item['public_id']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return datetime.fromisoformat(item["published_at"])

    def item_updateddate(self, item):
        return item.get("updated") or datetime.fromisoformat(item["published_at"])


class SystemIncidents(LatestIncidents):
    def get_object(self, request, slug):
        system = selectors.public_system(slug)
        if system is None:
            raise Http404(f"No system {slug} with published incidents.")
        return system

    def title(self, obj):
        return f"Wrongful Identification Registry: incidents involving {obj.name}"

    def link(self, obj):
        return reverse("incidents:system", args=[obj.slug])

    def incidents(self, obj):
        return selectors.incidents_of_system(selectors.public_facts(), obj)

    def withdrawn(self, obj):
        return Incident.objects.filter(status=Status.WITHDRAWN, systems=obj)
