"""Serializers per audience, with explicit fields.

Public output is produced by ``incidents.interchange`` (the one definition of the
public record); the output serializers here describe that shape for the OpenAPI
schema and delegate ``to_representation`` to it, so the documentation and the
data cannot drift apart silently (schemathesis checks the responses against it).
"""

from rest_framework import serializers

from incidents import choices
from incidents.domain.submissions import (
    SubmissionSerializer,  # noqa: F401 - re-exported for the schema
)
from incidents.evidence import ClaimStatus, EvidenceLevel
from incidents.public.format import as_v1
from incidents.public.selectors import record_of

from .claim_serializers import SPLIT_HELP, STATUS_HELP, OutcomeValue, PublicClaim, Split
from .deployment_serializers import DeploymentRecord
from .partner_serializers import BulkItemResult, BulkResult, PartnerSubmission, PartnerSubmissions  # noqa: F401 - one namespace for views
from .refs import OrganizationRef, Ref, SystemRef


class SourcePreservation(serializers.Serializer):
    status = serializers.ChoiceField(choices=choices.PreservationStatus.choices,
                                     help_text="changed: the document differs from the copy; dead: the link fails since dead_since.")
    retrieved_at = serializers.DateTimeField(allow_null=True)
    http_status = serializers.IntegerField(allow_null=True)
    final_url = serializers.CharField(allow_null=True, help_text="Where the URL led after redirects.")
    content_type = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True, help_text="SHA-256 of the document as retrieved.")
    copy = serializers.CharField(allow_null=True, help_text="Path of the preserved copy on this registry.")
    dead_since = serializers.DateTimeField(allow_null=True)
    changed_since = serializers.DateTimeField(allow_null=True)


class PublicSource(serializers.Serializer):
    url = serializers.URLField(allow_null=True, help_text="null for a personal testimony sent without a link.")
    title = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    published_date = serializers.CharField(allow_null=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    language = serializers.CharField(allow_blank=True)
    source_type = serializers.ChoiceField(choices=choices.SourceType.choices)
    preservation = SourcePreservation(allow_null=True, help_text="The registry's preserved copy; null until the worker has fetched the source.")


class PublicOutcome(serializers.Serializer):
    type = serializers.ChoiceField(choices=choices.OutcomeType.choices)
    date = serializers.CharField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)
    days = serializers.IntegerField(allow_null=True)
    amount = serializers.FloatField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    sources = serializers.ListField(child=serializers.IntegerField(), help_text="Positions in the record's sources.")
    single_source = serializers.BooleanField(help_text="Only one source supports this outcome.")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, help_text=STATUS_HELP)
    stated = serializers.BooleanField(required=False, help_text="The status was set by a moderator, not derived from the sources.")
    contradicted_by = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="Positions of the sources that say otherwise.")
    values = OutcomeValue(many=True, required=False, help_text=(
        "Where sources differ on the days, amount or date: each value with its sources. The outcome's own field holds the lowest number or the earliest date."))


class PublicAffected(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True)
    has_minor = serializers.BooleanField(allow_null=True)
    name = serializers.CharField(allow_null=True, help_text="Only for an adult whose name is already public, as confirmed by a moderator.")


class IncidentSummary(serializers.Serializer):
    """An incident in a list."""

    public_id = serializers.CharField()
    title = serializers.CharField()
    incident_date = serializers.CharField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=choices.DatePrecision.choices)
    country = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    systems = Ref(many=True)
    operators = Ref(many=True)
    identification_mode = serializers.ChoiceField(choices=choices.IdentificationMode.choices)
    error_type = serializers.ChoiceField(choices=choices.ErrorType.choices)
    outcome_types = serializers.ListField(child=serializers.ChoiceField(choices=choices.OutcomeType.choices))
    evidence_level = serializers.ChoiceField(choices=EvidenceLevel.choices)
    has_minor = serializers.BooleanField(allow_null=True)
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="This record in the API.")

    def to_representation(self, instance):
        """``instance`` is already the summary (``selectors.summaries``); add its URL (the site's
        address worked out once per list, not once per row)."""
        context = self.context
        if "incidents_url" not in context:
            context["incidents_url"] = context["request"].build_absolute_uri("/api/v1/incidents/")
        return {**instance, "url": f"{context['incidents_url']}{instance['public_id']}/"}


class PartnerCredit(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(help_text="The partner's public credit line.")
    url = serializers.URLField(allow_null=True)


class IncidentRecord(serializers.Serializer):
    """A whole published incident (schema wir-incident/2; wir-incident/1 with record_format=1)."""

    schema = serializers.CharField()
    public_id = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    narrative = serializers.CharField()
    language = serializers.CharField(required=False, help_text="BCP 47 tag of the language the title and narrative are written in, e.g. es.")
    incident_date = serializers.CharField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=choices.DatePrecision.choices)
    country = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    systems = SystemRef(many=True)
    operators = OrganizationRef(many=True)
    identification_mode = serializers.ChoiceField(choices=choices.IdentificationMode.choices)
    error_type = serializers.ChoiceField(choices=choices.ErrorType.choices)
    contributing_factors = serializers.ListField(child=serializers.ChoiceField(choices=choices.ContributingFactor.choices))
    reference_database = serializers.CharField(allow_null=True)
    human_review = serializers.BooleanField(allow_null=True)
    sole_basis = serializers.BooleanField(allow_null=True)
    external_ids = serializers.ListField(child=serializers.CharField())
    evidence_level = serializers.ChoiceField(choices=EvidenceLevel.choices, help_text="A summary of the claims (from the sources where it makes none); see /about/methods/.")
    affected = PublicAffected()
    sources = PublicSource(many=True)
    outcomes = PublicOutcome(many=True)
    claims = PublicClaim(many=True, required=False, help_text="Version 2: how well each attribution is established (absent in version 1).")
    deployment = serializers.IntegerField(allow_null=True, required=False,
                                          help_text="Id of the published deployment it arose from (/api/v1/deployments/{id}/), where known.")
    reported_by = PartnerCredit(allow_null=True, required=False,
                                help_text="The partner credited with reporting it, when it asked for credit and the moderator kept it.")
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    history_url = serializers.URLField()
    html_url = serializers.URLField()

    def to_representation(self, instance):
        data = record_of(instance)
        if self.context.get("record_format") == 1:
            data = as_v1(data)
        request = self.context["request"]
        data["history_url"] = request.build_absolute_uri(f"/api/v1/incidents/{instance.public_id}/history/")
        data["html_url"] = request.build_absolute_uri(f"/incidents/{instance.public_id}/")
        return data


class IncidentPage(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of incidents matching the filters.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    next_cursor = serializers.CharField(allow_null=True, help_text=(
        "The same next page as a `cursor` value to pass with the same filters, or null on the last; opaque."))
    attribution = serializers.DictField(child=serializers.DictField(child=Split()), required=False, help_text=(
        "Only with a system, vendor, operator or technology filter: for each filtered value (by kind, then slug or code), "
        "how many of the matching incidents attribute it with each claim status."))
    results = IncidentSummary(many=True)


class SubmissionCreated(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=choices.Status.choices)
    status_url = serializers.URLField(help_text="Secret: anyone with this link can read and answer the submission. Keep it.")
    token = serializers.CharField(help_text="The secret in status_url. Shown once; the registry keeps only a hash.")
    possible_duplicates = serializers.ListField(child=serializers.DictField(), help_text=(
        "Published incidents that may be the same case (public id, title, url, score, reasons). Unpublished records are never listed here."))


class SubmissionMessage(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()


class SubmissionStatus(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=choices.Status.choices)
    submitted_at = serializers.DateTimeField()
    change_request = serializers.CharField(allow_null=True)
    rejection_reason = serializers.CharField(allow_null=True)
    public_id = serializers.CharField(allow_null=True)
    messages = SubmissionMessage(many=True)


class AnswerInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000, help_text="Your answer to the moderators' request.")
    changes = serializers.DictField(required=False, help_text="Fields of the submission to replace (same names as when submitting).")


class CountRow(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    attribution = Split(required=False, help_text="With split=attribution, for systems, operators and vendors: " + SPLIT_HELP)


class SystemSummary(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    technology = serializers.ChoiceField(choices=choices.Technology.choices)
    aliases = serializers.ListField(child=serializers.CharField())
    vendor = Ref(allow_null=True)
    incident_count = serializers.IntegerField()
    url = serializers.URLField()


class SystemDetail(SystemSummary):
    description = serializers.CharField(allow_blank=True)
    identification_modes = serializers.ListField(child=serializers.CharField())
    operators = CountRow(many=True, help_text="Operators seen using the system, with their number of published incidents.")
    by_outcome = CountRow(many=True)
    by_year = CountRow(many=True)
    attribution = Split(help_text=SPLIT_HELP + " Denied: incidents whose operator or vendor denies the system was used (not in incident_count).")
    incidents_url = serializers.URLField()
    deployments = DeploymentRecord(many=True, help_text="Published deployments of the system, oldest first, with their figures.")


class OrganizationSummary(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=choices.OrganizationKind.choices)
    country = serializers.CharField(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    incident_count = serializers.IntegerField(help_text="Published incidents where it was the operator.")
    url = serializers.URLField()


class OrganizationDetail(OrganizationSummary):
    description = serializers.CharField(allow_blank=True)
    systems_made = Ref(many=True)
    systems_used = CountRow(many=True)
    by_outcome = CountRow(many=True)
    by_year = CountRow(many=True)
    attribution = serializers.DictField(child=Split(), help_text="As operator and as vendor: " + SPLIT_HELP)
    incidents_url = serializers.URLField()
    deployments = DeploymentRecord(many=True, help_text="Published deployments it operates, or of systems it makes.")


class StatsResult(serializers.Serializer):
    total = serializers.IntegerField(help_text="Incidents in the filtered set.")
    groups = serializers.DictField(child=CountRow(many=True), help_text="For each group_by asked: counts of incidents, largest first.")


class HistoryVersion(serializers.Serializer):
    version = serializers.IntegerField()
    at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)
    changes = serializers.DictField(help_text="field: [before, after]")


class History(serializers.Serializer):
    public_id = serializers.CharField()
    versions = HistoryVersion(many=True)


class ErrorDetail(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Each failing field by dotted path (e.g. sources.0.url), with the reasons.")
    canonical_url = serializers.URLField(required=False)
    withdrawn_reason = serializers.CharField(required=False)


class Error(serializers.Serializer):
    error = ErrorDetail()


# --- moderation ----------------------------------------------------------------------


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    expected_status = serializers.ChoiceField(choices=choices.Status.choices, required=False,
                                              help_text="The status you saw; if the record moved since, the answer is 409.")


class MessageInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000)
    expected_status = serializers.ChoiceField(choices=choices.Status.choices, required=False)


class EmptyInput(serializers.Serializer):
    expected_status = serializers.ChoiceField(choices=choices.Status.choices, required=False)


class PublishInput(serializers.Serializer):
    proposed = serializers.DictField(child=serializers.CharField(), required=False,
                                     help_text='{"<name as submitted>": "create" | "reject" | "<existing slug>"} for each proposed system or operator.')
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    credit = serializers.BooleanField(required=False, default=True,
                                      help_text='false: publish without the partner\'s public credit ("Reported by …").')
    expected_status = serializers.ChoiceField(choices=choices.Status.choices, required=False)


class MergeInput(serializers.Serializer):
    into = serializers.CharField(help_text="Public id of the canonical incident.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CorrectInput(serializers.Serializer):
    changes = serializers.DictField(help_text="Fields to change, as in a submission; plus affected_name_public.")
    note = serializers.CharField(max_length=5000, help_text="The public correction note: what changed and why.")


class LanguageInput(serializers.Serializer):
    language = serializers.RegexField(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=12, help_text="BCP 47 tag of the translation to remove.")


class TranslationOut(serializers.Serializer):
    language = serializers.CharField(help_text="BCP 47 tag, e.g. es.")
    title = serializers.CharField()
    narrative = serializers.CharField()
    method = serializers.ChoiceField(choices=[("human", "human"), ("machine", "machine")],
                                     help_text="human, or machine (a machine translation a moderator checked).")
    translator = serializers.CharField(help_text="Who made it.")
    updated_at = serializers.DateTimeField()


class RedactInput(serializers.Serializer):
    remove = serializers.ListField(child=serializers.CharField(max_length=500, trim_whitespace=True), max_length=20, required=False,
                                   help_text="Texts to remove (a name, an address) wherever they occur in the record, its citations and its history.")
    changes = serializers.DictField(required=False, help_text="Fields to set as well, as in a submission; plus affected_name_public.")
    note = serializers.CharField(max_length=5000, help_text="The public note: why details were removed (without repeating them).")

    def validate(self, attrs):
        if not attrs.get("remove") and not attrs.get("changes"):
            raise serializers.ValidationError({"remove": ["Say what to remove: the name or details, as they appear in the record."]})
        return attrs


class AcceptInput(serializers.Serializer):
    changes = serializers.DictField(required=False, default=dict, help_text="Fields to change, as in a submission; plus affected_name_public.")
    remove = serializers.ListField(child=serializers.CharField(max_length=500), max_length=20, required=False,
                                   help_text="For a removal request: texts to remove wherever they occur (see the redact action).")
    note = serializers.CharField(max_length=5000, help_text="The public correction note: what changed and why.")


class ModerationEventOut(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    changes = serializers.JSONField()


class ModerationItem(serializers.Serializer):
    """A record in the moderators' queue: the only output that carries submitter contact."""

    id = serializers.IntegerField(help_text="Submission id.")
    incident_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=choices.Status.choices)
    public_id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    claimed_by = serializers.CharField(allow_null=True, help_text="The moderator reviewing it, if any.")
    answered = serializers.BooleanField(help_text="The submitter has answered a change request and no moderator has acted since.")
    submitter_role = serializers.CharField()
    contact_email = serializers.CharField(allow_blank=True)
    partner = serializers.CharField(allow_null=True, help_text="Slug of the partner that sent it, if a partner did.")
    proposed = serializers.ListField(child=serializers.DictField())


class ModerationDetail(ModerationItem):
    payload = serializers.JSONField(help_text="The submission as sent.")
    draft = serializers.JSONField(help_text="What would be published.")
    history = ModerationEventOut(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())
    possible_duplicates = serializers.ListField(child=serializers.DictField(), help_text="Published and pending records that may be the same case, with a score and the reasons.")


class ActionResult(serializers.Serializer):
    status = serializers.ChoiceField(choices=choices.Status.choices)
    public_id = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    changed_fields = serializers.ListField(child=serializers.CharField(), required=False,
                                           help_text="After a redaction: the public fields that changed, e.g. title, sources.0.title.")


class CorrectionRequestCreated(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="Always \"received\": the moderators will look at it.")
    message = serializers.CharField()


class CorrectionRequestOut(serializers.Serializer):
    """A request as moderators see it (private: includes the contact address)."""

    id = serializers.IntegerField()
    public_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=choices.RequestKind.choices)
    requester_role = serializers.ChoiceField(choices=choices.SubmitterRole.choices)
    details = serializers.CharField()
    evidence = serializers.CharField(allow_blank=True)
    contact_email = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=choices.RequestState.choices)
    decision = serializers.CharField(allow_blank=True)
    resulting_version = serializers.IntegerField(allow_null=True)


class RequestDecision(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=choices.RequestState.choices)
    public_id = serializers.CharField()
    version = serializers.IntegerField()
