"""Atom feeds of newly published incidents: all of them, and one per system."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ..choices import OutcomeType
from ..countries import country_name
from ..public import selectors

FEED_SIZE = 50


class LatestIncidents(Feed):
    feed_type = Atom1Feed
    title = "Wrongful Identification Registry: newly published incidents"
    subtitle = "People wrongly identified by facial recognition and other biometric or identity-database systems."

    def link(self):
        return reverse("incidents:list")

    def incidents(self, obj):
        return selectors.public_facts()

    def items(self, obj=None):
        return selectors.summaries(self.incidents(obj).only("published_at")[:FEED_SIZE])

    # Items are list summaries (selectors.summaries): dicts, as the API and the pages list them.

    def item_title(self, item):
        return f"{item['public_id']}: {item['title']}"

    def item_description(self, item):
        place = ", ".join(x for x in (item["city"], item["region"], country_name(item["country"])) if x)
        systems = ", ".join(s["name"] for s in item["systems"]) or "system not named"
        outcomes = ", ".join(OutcomeType(t).label for t in item["outcome_types"])
        return f"{place}. {systems}. Outcomes: {outcomes or 'none recorded'}."

    def item_link(self, item):
        return reverse("incidents:incident", args=[item["public_id"]])

    def item_guid(self, item):
        return f"urn:wir:{item['public_id']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return datetime.fromisoformat(item["published_at"])

    def item_updateddate(self, item):
        return datetime.fromisoformat(item["published_at"])


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
