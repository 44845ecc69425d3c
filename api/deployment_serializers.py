"""The deployment record (schema wir-deployment/1), as the OpenAPI schema describes it."""

from rest_framework import serializers

from incidents import choices

from .refs import OrganizationRef, SystemRef


class DeploymentFigure(serializers.Serializer):
    kind = serializers.ChoiceField(choices=choices.FigureKind.choices)
    measure = serializers.CharField(help_text="What exactly was counted or measured.")
    qualifier = serializers.ChoiceField(choices=choices.FigureQualifier.choices)
    value = serializers.FloatField()
    unit = serializers.CharField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    provenance = serializers.ChoiceField(choices=choices.FigureProvenance.choices)
    source = serializers.IntegerField(allow_null=True, help_text="Position of its source in the deployment's sources.")


class DeploymentSourceOut(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    source_type = serializers.ChoiceField(choices=choices.SourceType.choices)


class DeploymentRecord(serializers.Serializer):
    """A published deployment (schema wir-deployment/1)."""

    schema = serializers.CharField()
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=choices.DeploymentKind.choices)
    operator = OrganizationRef()
    system = SystemRef(allow_null=True)
    technology = serializers.ChoiceField(choices=choices.Technology.choices)
    country = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    place = serializers.CharField(allow_blank=True)
    started = serializers.CharField(allow_null=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD.")
    ended = serializers.CharField(allow_null=True)
    ongoing = serializers.BooleanField()
    reference_databases = serializers.ListField(child=serializers.CharField())
    reference_note = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    sources = DeploymentSourceOut(many=True)
    figures = DeploymentFigure(many=True)
    incidents = serializers.ListField(child=serializers.CharField(), help_text="Public ids of the published incidents linked to it.")
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DeploymentPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    results = DeploymentRecord(many=True)
