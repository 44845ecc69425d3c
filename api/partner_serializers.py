"""What a partner's endpoints answer: bulk results and its submissions."""

from rest_framework import serializers

from incidents import choices


class BulkItemResult(serializers.Serializer):
    line = serializers.IntegerField(help_text="The item's line (JSON Lines) or position from 1 (a JSON array).")
    status = serializers.ChoiceField(choices=["created", "invalid"])
    id = serializers.IntegerField(required=False, help_text="Submission id, when created.")
    token = serializers.CharField(required=False, help_text="The secret status token, shown only now.")
    status_url = serializers.URLField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Field path (e.g. sources.0.url) to messages, when invalid; nothing of the item was stored.")


class BulkResult(serializers.Serializer):
    created = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = BulkItemResult(many=True)


class PartnerSubmission(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=choices.Status.choices)
    submitted_at = serializers.DateTimeField()
    public_id = serializers.CharField(allow_null=True)
    public_url = serializers.URLField(allow_null=True)
    change_request = serializers.CharField(allow_null=True, help_text="The moderator's open question, if any.")
    rejection_reason = serializers.CharField(allow_null=True)
    credited = serializers.BooleanField(help_text="The record carries the partner's public credit.")


class PartnerSubmissions(serializers.Serializer):
    count = serializers.IntegerField()
    results = PartnerSubmission(many=True)
