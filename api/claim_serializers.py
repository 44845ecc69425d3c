"""The API's description of claims: each attribution's status and sources in a record, and
the counts of cases by status beside lists, system pages and statistics."""

from rest_framework import serializers

from incidents.evidence import ClaimAbout, ClaimStatus

STATUS_HELP = ("confirmed: an official record, court record or the operator's own statement says so; reported: independent "
               "reporting says so; alleged: only a party's claim; disputed: sources contradict each other; denied: the operator or vendor denies it.")


class OutcomeValue(serializers.Serializer):
    field = serializers.ChoiceField(choices=["days", "amount", "date"])
    value = serializers.CharField()
    sources = serializers.ListField(child=serializers.IntegerField(), help_text="Positions in the record's sources.")


class PublicClaim(serializers.Serializer):
    about = serializers.ChoiceField(choices=ClaimAbout.choices)
    value = serializers.JSONField(help_text="The slug of the system, vendor or operator; the technology code; true or false for sole_basis and human_review.")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, help_text=STATUS_HELP)
    stated = serializers.BooleanField(help_text="The status was set by a moderator, not derived from the sources.")
    sources = serializers.ListField(child=serializers.IntegerField(), help_text="Positions of the sources that support it.")
    contradicted_by = serializers.ListField(child=serializers.IntegerField(), help_text="Positions of the sources that say otherwise.")


class Split(serializers.DictField):
    """Counts of incidents by claim status: {"confirmed": 7, "reported": 3, ...}, strongest first, no zeros."""

    child = serializers.IntegerField()


SPLIT_HELP = ("How well the attribution is established in these incidents: counts by claim status (confirmed, reported, "
              "alleged, disputed, denied).")
