"""References to systems and organisations, as every public output writes them."""

from rest_framework import serializers

from incidents import choices


class Ref(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SystemRef(Ref):
    technology = serializers.ChoiceField(choices=choices.Technology.choices)
    aliases = serializers.ListField(child=serializers.CharField())
    vendor = Ref(allow_null=True)


class OrganizationRef(Ref):
    kind = serializers.ChoiceField(choices=choices.OrganizationKind.choices)
    country = serializers.CharField(allow_null=True)
