"""An incident's moderated translations, for readers and re-users (the record itself stays in
the language it was written in)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from incidents.public import selectors

from . import serializers as s
from .views import ERRORS, PublicView, _gone_or_redirect


@extend_schema(tags=["incidents"], responses={200: s.TranslationOut(many=True), 301: OpenApiResponse(s.Error), 404: ERRORS[404],
                                              410: OpenApiResponse(s.Error)},
               summary="Moderated translations of an incident's title and narrative",
               description="Each marked human or machine (checked by a moderator), with who made it. A translation is removed when "
                           "the original's title or narrative is corrected, and by every removal of personal details.")
class IncidentTranslations(PublicView):
    def get(self, request, public_id):
        incident = selectors.public_incident(public_id)
        if incident is None:
            return _gone_or_redirect(request, public_id, "/api/v1/incidents/")
        return Response([{"language": t.language, "title": t.title, "narrative": t.narrative, "method": t.method, "translator": t.translator,
                          "updated_at": t.updated_at} for t in incident.translations.all()])
