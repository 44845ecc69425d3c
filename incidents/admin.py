"""The Django admin for moderators. Every status change goes through incidents.moderation."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from rest_framework.exceptions import ValidationError as DRFValidationError

from . import moderation
from .choices import OPEN_STATES, Action, Status
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
from .records import AFFECTED_FIELDS, SCALAR_FIELDS


class ReadOnlyWhenPublished:
    """Inlines editable on drafts only: a published record changes through a correction."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status in OPEN_STATES)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.status in OPEN_STATES)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.status in OPEN_STATES)


class SourceInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = IncidentSource
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["position", "source"]


class OutcomeInline(ReadOnlyWhenPublished, admin.StackedInline):
    model = Outcome
    extra = 0
    fields = [("type", "date", "date_precision"), "detail", ("days", "amount", "currency"), "sources", "position"]
    autocomplete_fields = ["sources"]


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


class IncidentAdminForm(forms.ModelForm):
    correction_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when changing a published record: the public note saying what changed and why.",
    )

    class Meta:
        model = Incident
        fields = "__all__"


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


def _reason_action(action_name, label, service):
    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                _run(modeladmin, request, queryset, label, lambda i: service(i, request.user, form.cleaned_data["reason"]))
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
        _reason_action("request_changes", "Request changes from the submitter", moderation.request_changes),
        _reason_action("reject", "Reject", moderation.reject),
        _reason_action("withdraw", "Withdraw from public view", moderation.withdraw),
    ]

    @admin.action(description="Claim for review")
    def claim(self, request, queryset):
        _run(self, request, queryset, "Claimed", lambda i: moderation.claim(i, request.user))

    @admin.action(description="Release back to the queue")
    def release(self, request, queryset):
        _run(self, request, queryset, "Released", lambda i: moderation.release(i, request.user))

    @admin.action(description="Publish (records without undecided proposed names)")
    def publish(self, request, queryset):
        _run(self, request, queryset, "Published", lambda i: moderation.publish(i, request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # incidents are never deleted: withdraw or merge instead

    def save_model(self, request, obj, form, change):
        """Write drafts directly, with an edit row in the history; correct published records as a new version."""
        if not change:
            raise ValidationError("Create incidents through a submission or an import.")
        if obj.status == Status.PUBLISHED:
            changes = {}
            for field in form.changed_data:
                if field in SCALAR_FIELDS:
                    changes[field] = form.cleaned_data[field]
                elif field.startswith("affected_"):
                    key = {v: k for k, v in AFFECTED_FIELDS.items()}[field]
                    changes.setdefault("affected", {})[key] = form.cleaned_data[field]
            self._correction = changes
            return
        obj.save()
        self._correction = None
        if form.changed_data:
            ModerationEvent.objects.create(incident=obj, actor=request.user, action=Action.EDIT, from_status=obj.status,
                                           to_status=obj.status, changes={"fields": form.changed_data})

    def save_related(self, request, form, formsets, change):
        correction = getattr(self, "_correction", None)
        if correction is None:
            super().save_related(request, form, formsets, change)
            return
        relations = {f: [o.slug for o in form.cleaned_data[f]] for f in ("systems", "operators") if f in form.changed_data}
        correction.update(relations)
        if correction:
            try:
                moderation.correct(form.instance, request.user, correction, form.cleaned_data.get("correction_note", ""))
            except (ValidationError, moderation.ModerationError) as exc:
                self.message_user(request, f"Not saved: {getattr(exc, 'message_dict', exc)}", messages.ERROR)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
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


class AppendOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "incident", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["incident__public_id", "reason"]
    list_select_related = ["incident", "actor"]


@admin.register(IncidentVersion)
class IncidentVersionAdmin(AppendOnlyAdmin):
    list_display = ["incident", "number", "at", "note"]
    list_select_related = ["incident"]
