from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from .public.cache import cached_public
from .views import corrections, desk, desk_deployments, desk_edit, feeds, health, language, mfa, partners, public, submission, tokens

app_name = "incidents"

PUBLIC_ID = r"(?P<public_id>[A-Za-z]{2,5}-\d{4}-\d{4,})"

urlpatterns = [
    path("", cached_public(public.home), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("language/", language.choose_language, name="language"),
    path("readyz", health.readyz, name="readyz"),
    path("incidents/", cached_public(public.incident_list), name="list"),
    re_path(rf"^incidents/{PUBLIC_ID}/$", cached_public(public.incident_detail), name="incident"),
    re_path(rf"^incidents/{PUBLIC_ID}/history/$", cached_public(public.incident_history), name="history"),
    re_path(rf"^incidents/{PUBLIC_ID}/v/(?P<number>[1-9]\d{{0,5}})/$", cached_public(public.incident_version), name="version"),
    re_path(rf"^incidents/{PUBLIC_ID}/cite\.(?P<fmt>json|ris)$", cached_public(public.incident_citation), name="citation"),
    re_path(rf"^incidents/{PUBLIC_ID}/correction/$", corrections.request_form, name="correction"),
    path("systems/", cached_public(public.system_list), name="systems"),
    path("systems/<slug:slug>/", cached_public(public.system_detail), name="system"),
    path("systems/<slug:slug>/feed.atom", cached_public(feeds.SystemIncidents()), name="system-feed"),
    path("organizations/<slug:slug>/", cached_public(public.organization_detail), name="organization"),
    path("sources/<int:source_id>/preserved/", cached_public(public.preserved_copy), name="preserved"),
    path("sources/<int:source_id>/preserved.pdf", public.preserved_file, name="preserved-file"),
    path("stats/", cached_public(public.stats), name="stats"),
    path("about/methods/", cached_public(public.methods), name="methods"),
    path("feed.atom", cached_public(feeds.LatestIncidents()), name="feed"),
    path("submit/", submission.submit, name="submit"),
    path("submit/thanks/", submission.submitted, name="submitted"),
    path("submissions/lost-link/", submission.lost_link, name="lost-link"),
    path("submissions/status/<str:token>/", submission.submission_status, name="submission-status"),
    path("moderation/", desk.queue, name="desk"),
    path("moderation/login/", auth_views.LoginView.as_view(template_name="incidents/desk/login.html", redirect_authenticated_user=True), name="desk-login"),
    path("moderation/second-factor/", mfa.second_factor, name="desk-mfa"),
    path("moderation/tokens/", tokens.tokens, name="desk-tokens"),
    path("moderation/logout/", auth_views.LogoutView.as_view(next_page="incidents:desk-login"), name="desk-logout"),
    path("moderation/submissions/<int:pk>/", desk.review, name="desk-review"),
    path("moderation/submissions/<int:pk>/edit/", desk_edit.edit, name="desk-edit"),
    path("moderation/requests/", corrections.request_queue, name="desk-requests"),
    path("moderation/partners/", partners.partners_desk, name="desk-partners"),
    path("moderation/deployments/", desk_deployments.deployments_desk, name="desk-deployments"),
    path("partners/submissions/", partners.my_submissions, name="partner-submissions"),
    path("moderation/requests/<int:pk>/", corrections.request_review, name="desk-request"),
    re_path(rf"^moderation/incidents/{PUBLIC_ID}/$", desk.incident_desk, name="desk-incident"),
    re_path(rf"^moderation/incidents/{PUBLIC_ID}/action/$", desk.incident_action, name="desk-incident-action"),
]
