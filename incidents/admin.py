"""The Django admin for moderators. Every change, of status or content, goes through the
moderation services (``incidents.moderation``); what cannot be routed through them
(sources and outcomes rows, history) is read-only here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from rest_framework.exceptions import ValidationError as DRFValidationError

from .choices import OPEN_STATES, Status
from .domain import actions, drafts, moderation, records
from .domain.records import SCALAR_FIELDS
from .models import (
    Incident,
    IncidentSource,
    IncidentVersion,
    ModerationEvent,
    Organization,
    Outcome,
    ProposedName,
    Source,
    Submission,
    System,
)


class ReadOnlyInline:
    """Sources and outcomes change through a submission, an answer or a correction (the
    moderation services), never by editing rows here."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SourceInline(ReadOnlyInline, admin.TabularInline):
    model = IncidentSource
    extra = 0
    fields = ["position", "source", "title", "publisher", "source_type"]
    readonly_fields = fields


class OutcomeInline(ReadOnlyInline, admin.StackedInline):
    model = Outcome
    extra = 0
    fields = [("type", "date", "date_precision"), "detail", ("days", "amount", "currency"), "sources", "position"]
    readonly_fields = ["type", "date", "date_precision", "detail", "days", "amount", "currency", "sources", "position"]


class ProposedNameInline(admin.TabularInline):
    model = ProposedName
    extra = 0
    readonly_fields = ["kind", "name"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "reason", "changes"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


AFFECTED_KEYS = {"affected_count": "count", "affected_minor": "has_minor", "affected_name": "name"}


def _as_sent(value):
    """A cleaned form value as the API would receive it (dates as text, records as slugs)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "all") or isinstance(value, (list, tuple)) and value and hasattr(value[0], "slug"):
        return [o.slug for o in value]
    return value


class IncidentAdminForm(forms.ModelForm):
    """The record's fields, validated with the same rules and messages as the API
    (``records.validate_changes``), then written by the moderation services."""

    correction_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when changing a published record: the public note saying what changed and why.",
    )

    class Meta:
        model = Incident
        fields = "__all__"

    def draft_changes(self) -> dict:
        """The changed fields as draft fields (what the API's correct action takes)."""
        changes = {}
        for field in self.changed_data:
            value = _as_sent(self.cleaned_data.get(field))
            if field in SCALAR_FIELDS or field in ("systems", "operators"):
                changes[field] = value
            elif field in AFFECTED_KEYS:
                changes.setdefault("affected", {})[AFFECTED_KEYS[field]] = value
            elif field == "affected_name_public":
                changes["affected_name_public"] = value
        if "incident_date" in changes and "date_precision" not in changes:
            changes["date_precision"] = self.cleaned_data.get("date_precision")
        return changes

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.changes = self.draft_changes()
        if not self.changes:
            return cleaned
        try:
            records.validate_changes(self.changes)
        except DRFValidationError as exc:
            for path, messages_ in drafts.flatten_errors(exc.detail).items():
                top = path.split(".")[0]
                field = {"affected": "affected_" + {"count": "count", "has_minor": "minor", "name": "name"}.get(path.split(".")[-1], "name")}.get(top, top)
                for message in messages_:
                    self.add_error(field if field in self.fields else None, message)
        if self.instance.status == Status.PUBLISHED and not (cleaned.get("correction_note") or "").strip():
            self.add_error("correction_note", "Write the public correction note: what changed and why.")
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason or message")


def _run(modeladmin, request, queryset, label, call):
    done = 0
    for incident in queryset:
        try:
            call(incident)
            done += 1
        except (moderation.ModerationError, ValidationError, DRFValidationError) as exc:
            detail = getattr(exc, "message_dict", None) or getattr(exc, "detail", None) or str(exc)
            modeladmin.message_user(request, f"{incident}: {detail}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{label}: {done} record(s).", messages.SUCCESS)


def _reason_action(action_name):
    """An admin action asking for a reason (the message, for a change request), run through ``actions.perform``."""
    label = actions.ACTIONS[action_name].label

    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                text = form.cleaned_data["reason"]
                _run(modeladmin, request, queryset, label,
                     lambda i: actions.perform(action_name, i, request.user, {"reason": text, "message": text}))
                return None
        else:
            form = ReasonForm()
        return TemplateResponse(request, "admin/incidents/reason_action.html", {
            **modeladmin.admin_site.each_context(request), "title": label, "form": form, "queryset": queryset,
            "action_name": action_name, "opts": modeladmin.model._meta,
        })

    action.__name__ = action_name
    action.short_description = label
    return action


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    form = IncidentAdminForm
    list_display = ["__str__", "status", "country", "identification_mode", "error_type", "published_at", "created_at"]
    list_filter = ["status", "identification_mode", "error_type", "country", "affected_minor"]
    search_fields = ["public_id", "title", "narrative", "systems__name", "operators__name"]
    autocomplete_fields = ["systems", "operators"]
    readonly_fields = ["public_id", "status", "version", "published_at", "created_at", "updated_at", "claimed_by", "merged_into", "withdrawn_reason"]
    inlines = [SourceInline, OutcomeInline, ProposedNameInline, EventInline]
    list_select_related = True
    actions = [
        "claim", "release", "publish",
        _reason_action("request_changes"), _reason_action("reject"), _reason_action("withdraw"),
    ]

    @admin.action(description="Claim for review")
    def claim(self, request, queryset):
        _run(self, request, queryset, "Claimed", lambda i: actions.perform("claim", i, request.user))

    @admin.action(description="Release back to the queue")
    def release(self, request, queryset):
        _run(self, request, queryset, "Released", lambda i: actions.perform("release", i, request.user))

    @admin.action(description="Publish (records without undecided proposed names)")
    def publish(self, request, queryset):
        _run(self, request, queryset, "Published", lambda i: actions.perform("publish", i, request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # incidents are never deleted: withdraw or merge instead

    def has_add_permission(self, request):
        return False  # records start as a submission or an import

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status not in (*OPEN_STATES, Status.PUBLISHED):
            return [f.name for f in Incident._meta.fields if f.editable] + ["systems", "operators", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Write through the moderation services, never the model: a draft's edit is
        ``edit_draft``, a published record's is ``correct`` (a new public version)."""
        request._admin_failed = None
        changes = getattr(form, "changes", None)
        if not changes:
            return
        try:
            if obj.status == Status.PUBLISHED:
                moderation.correct(obj, request.user, changes, form.cleaned_data.get("correction_note", ""))
            else:
                moderation.edit_draft(obj, request.user, changes)
        except (ValidationError, DRFValidationError, moderation.ModerationError) as exc:
            detail = getattr(exc, "message_dict", None) or getattr(exc, "detail", None) or str(exc)
            request._admin_failed = f"Not saved: {detail}"

    def save_related(self, request, form, formsets, change):
        """Nothing: the service wrote the systems and operators; inlines are read-only."""

    def construct_change_message(self, request, form, formsets, add=False):
        return super().construct_change_message(request, form, [], add)  # inlines are read-only: nothing saved there

    def log_change(self, request, obj, message):
        if not getattr(request, "_admin_failed", None):
            super().log_change(request, obj, message)

    def response_change(self, request, obj):
        failed = getattr(request, "_admin_failed", None)
        if failed:
            self.message_user(request, failed, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking up only: these rows change through the services, or never."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    """Shared sources: they come in with citations and change only through them."""

    list_display = ["__str__", "publisher", "source_type", "published_date"]
    list_filter = ["source_type"]
    search_fields = ["url", "title", "publisher"]


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "technology", "vendor"]
    list_filter = ["technology"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["vendor"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "aliases"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "incident", "submitter_role", "created_at"]
    readonly_fields = ["incident", "payload", "submitter_role", "contact_email", "created_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "incident", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["incident__public_id", "reason"]
    list_select_related = ["incident", "actor"]


@admin.register(IncidentVersion)
class IncidentVersionAdmin(ReadOnlyAdmin):
    list_display = ["incident", "number", "at", "note"]
    list_select_related = ["incident"]
