from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from incidents.public.cache import cached_public

from . import catalogue_views, deployment_views, docs, notice_views, partner_views, translation_views, views
from . import moderation_views as mod

moderation = SimpleRouter()
moderation.register("moderation/submissions", mod.SubmissionViewSet, basename="moderation-submission")
moderation.register("moderation/incidents", mod.IncidentActionViewSet, basename="moderation-incident")
moderation.register("moderation/corrections", mod.CorrectionRequestViewSet, basename="moderation-correction")
moderation.register("moderation/deployments", deployment_views.DeploymentModerationViewSet, basename="moderation-deployment")

PUBLIC_ID = r"(?P<public_id>[A-Za-z]{2,5}-\d{4}-\d{4,})"

v1 = [
    path("incidents/", cached_public(views.IncidentList.as_view()), name="incident-list"),
    path("incidents/export.csv", views.ExportCSV.as_view(), name="export-csv"),
    path("incidents/export.jsonl", views.ExportJSONL.as_view(), name="export-jsonl"),
    re_path(rf"^incidents/{PUBLIC_ID}/$", cached_public(views.IncidentDetail.as_view()), name="incident-detail"),
    re_path(rf"^incidents/{PUBLIC_ID}/history/$", cached_public(views.IncidentHistory.as_view()), name="incident-history"),
    re_path(rf"^incidents/{PUBLIC_ID}/translations/$", cached_public(translation_views.IncidentTranslations.as_view()), name="incident-translations"),
    path("systems/", cached_public(catalogue_views.SystemList.as_view()), name="system-list"),
    path("systems/<slug:slug>/", cached_public(catalogue_views.SystemDetail.as_view()), name="system-detail"),
    path("systems/<slug:slug>/incidents/", cached_public(catalogue_views.SystemIncidents.as_view()), name="system-incidents"),
    path("organizations/", cached_public(catalogue_views.OrganizationList.as_view()), name="organization-list"),
    path("organizations/<slug:slug>/", cached_public(catalogue_views.OrganizationDetail.as_view()), name="organization-detail"),
    path("organizations/<slug:slug>/incidents/", cached_public(catalogue_views.OrganizationIncidents.as_view()), name="organization-incidents"),
    path("stats/", cached_public(catalogue_views.Stats.as_view()), name="stats"),
    path("schema/incident.json", cached_public(views.RecordSchema.as_view()), name="record-schema"),
    path("schema/deployment.json", deployment_views.DeploymentSchema.as_view(), name="deployment-schema"),
    path("deployments/", deployment_views.DeploymentList.as_view(), name="deployment-list"),
    path("deployments/export.jsonl", deployment_views.DeploymentExport.as_view(), name="deployment-export"),
    path("deployments/submissions/", deployment_views.DeploymentSubmit.as_view(), name="deployment-submit"),
    path("deployments/<int:pk>/", deployment_views.DeploymentDetail.as_view(), name="deployment-detail"),
    re_path(rf"^incidents/{PUBLIC_ID}/corrections/$", views.CorrectionRequestCreate.as_view(), name="correction-create"),
    path("submissions/", views.SubmissionCreate.as_view(), name="submission-create"),
    path("submissions/bulk/", partner_views.SubmissionBulk.as_view(), name="submission-bulk"),
    path("submissions/mine/", partner_views.MySubmissions.as_view(), name="submission-mine"),
    path("submissions/lost-link/", notice_views.LostLink.as_view(), name="submission-lost-link"),
    path("submissions/status/<str:token>/", views.SubmissionStatusView.as_view(), name="submission-status"),
    *moderation.urls,
]

app_name = "api"
urlpatterns = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.ApiDocs.as_view(url_name="api:schema"), name="docs"),
]
