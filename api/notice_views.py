"""Asking for a lost status link by mail: the same answer whether or not the address is known."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from incidents.domain import notices

from . import serializers as s
from .parsers import LimitedJSONParser

ANSWER = ("If a report was sent from this address, a mail with a new link to each report is on its way. "
          "It can take a few minutes; look in the spam folder too.")


class LostLinkInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address given with the report.")


class LostLinkAnswer(serializers.Serializer):
    message = serializers.CharField()


@extend_schema(tags=["submissions"], summary="Ask for a new status link by mail", request=LostLinkInput,
               description="For a submitter who gave an e-mail address and lost the link. The answer is the same whether or not "
                           "the address is known; rate-limited per client.",
               responses={202: LostLinkAnswer, 400: OpenApiResponse(s.Error), 429: OpenApiResponse(s.Error)})
class LostLink(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [LimitedJSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "lost_link"

    def post(self, request):
        data = LostLinkInput(data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        notices.ask_for_links(data.validated_data["email"])
        response = Response({"message": ANSWER}, status=status.HTTP_202_ACCEPTED)
        response["Cache-Control"] = "no-store"
        return response
