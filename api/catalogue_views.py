"""The public API's systems, organisations and statistics: counts over the read model,
each attribution split by how well it is established."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from incidents.public import selectors
from incidents.public.deployments import deployment_record, deployments_of

from . import serializers as s
from .openapi import LIST_PARAMS, filter_parameters
from .views import ERRORS, IncidentListMixin, PublicView

# --- systems and organisations ------------------------------------------------------


def _ref(org):
    return {"slug": org.slug, "name": org.name} if org else None


def system_summary(request, system):
    return {
        "slug": system.slug, "name": system.name, "technology": system.technology, "aliases": list(system.aliases),
        "vendor": _ref(system.vendor), "incident_count": system.incident_count,
        "url": request.build_absolute_uri(f"/api/v1/systems/{system.slug}/"),
    }


def org_summary(request, org):
    return {
        "slug": org.slug, "name": org.name, "kind": org.kind, "country": org.country or None, "aliases": list(org.aliases),
        "incident_count": org.incident_count, "url": request.build_absolute_uri(f"/api/v1/organizations/{org.slug}/"),
    }


def _rows(triples):
    return [{"key": k, "label": label, "count": n} for k, label, n in triples]


def _grouped(facts, scope, **groups):
    """{response field: rows} for several groupings of one set, counted in one query (or read, for a kept scope)."""
    _, counts = selectors.facet_counts(facts, list(groups.values()), scope)
    return {field: _rows(counts[group]) for field, group in groups.items()}


@extend_schema(tags=["systems"], responses={200: s.SystemSummary(many=True)}, summary="Systems with published incidents")
class SystemList(PublicView):
    def get(self, request):
        systems = selectors.public_systems().order_by("-incident_count", "name")
        return Response([system_summary(request, x) for x in systems])


def _public_system(slug):
    system = selectors.public_system(slug)
    if system is None:
        raise NotFound(f"No system {slug} with published incidents.")
    return system


@extend_schema(tags=["systems"], responses={200: s.SystemDetail, 404: ERRORS[404]}, summary="One system, with counts")
class SystemDetail(PublicView):
    def get(self, request, slug):
        system = _public_system(slug)
        incidents = selectors.incidents_of_system(self.get_queryset(), system)
        data = system_summary(request, system) | {
            "description": system.description, "identification_modes": list(system.identification_modes),
            **_grouped(incidents, selectors.system_scope(system), operators="operator", by_outcome="outcome", by_year="year"),
            "attribution": selectors.split_of("system", system.pk),
            "incidents_url": request.build_absolute_uri(f"/api/v1/systems/{system.slug}/incidents/"),
            "deployments": [deployment_record(d) for d in deployments_of(system=system)],
        }
        return Response(data)


@extend_schema(tags=["systems"], parameters=LIST_PARAMS, responses={200: s.IncidentPage, 400: ERRORS[400], 404: ERRORS[404]},
               summary="Published incidents involving one system", description="Takes the same filters as /incidents/.")
class SystemIncidents(IncidentListMixin):
    def get(self, request, slug):
        system = _public_system(slug)
        return self.list_response(request, selectors.incidents_of_system(self.get_queryset(), system), selectors.system_scope(system))


@extend_schema(tags=["organizations"], responses={200: s.OrganizationSummary(many=True)}, summary="Vendors and operators with published incidents")
class OrganizationList(PublicView):
    def get(self, request):
        orgs = selectors.public_organizations().order_by("-incident_count", "name")
        return Response([org_summary(request, o) for o in orgs])


def _public_org(slug):
    org = selectors.public_organization(slug)
    if org is None:
        raise NotFound(f"No organization {slug} with published incidents.")
    return org


@extend_schema(tags=["organizations"], responses={200: s.OrganizationDetail, 404: ERRORS[404]}, summary="One organization, with counts")
class OrganizationDetail(PublicView):
    def get(self, request, slug):
        org = _public_org(slug)
        incidents = selectors.incidents_of_organization(self.get_queryset(), org)
        data = org_summary(request, org) | {
            "description": org.description,
            "systems_made": [_ref(x) for x in selectors.public_systems().filter(vendor=org).order_by("name")],
            "systems_used": _rows(selectors.counts_by(self.get_queryset().filter(operator_ids__contains=[org.pk]), "system")),
            **_grouped(incidents, None, by_outcome="outcome", by_year="year"),
            "attribution": {"operator": selectors.split_of("operator", org.pk), "vendor": selectors.split_of("vendor", org.pk)},
            "incidents_url": request.build_absolute_uri(f"/api/v1/organizations/{org.slug}/incidents/"),
            "deployments": [deployment_record(d) for d in deployments_of(organization=org)],
        }
        return Response(data)


@extend_schema(tags=["organizations"], parameters=LIST_PARAMS, responses={200: s.IncidentPage, 400: ERRORS[400], 404: ERRORS[404]},
               summary="Published incidents where the organization was operator or vendor", description="Takes the same filters as /incidents/.")
class OrganizationIncidents(IncidentListMixin):
    def get(self, request, slug):
        org = _public_org(slug)
        return self.list_response(request, selectors.incidents_of_organization(self.get_queryset(), org), None)


@extend_schema(tags=["stats"], summary="Counts over any filtered set",
               parameters=[*filter_parameters(), OpenApiParameter("group_by", str, many=True, enum=list(selectors.STAT_GROUPS),
                                                                  description="Repeat for several groupings (default: system)."),
                           OpenApiParameter("split", str, enum=["attribution"], description=(
                               "attribution: give each system, operator and vendor row its counts by claim status (how well "
                               "the attribution is established), denied included. Read ready-made for the whole registry; "
                               "counted for a filtered set, which costs a scan of the set."))],
               responses={200: s.StatsResult, 400: ERRORS[400]})
class Stats(PublicView):
    extra_params = {"group_by", "split"}

    def get(self, request):
        queryset, _ = self.filtered(request)
        groups = [g for v in request.query_params.getlist("group_by") for g in v.split(",") if g] or ["system"]
        bad = [g for g in groups if g not in selectors.STAT_GROUPS]
        if bad:
            raise ValidationError({"group_by": [f"Unknown grouping {g!r}; use one of: {', '.join(selectors.STAT_GROUPS)}." for g in bad]})
        split = request.query_params.get("split", "")
        if split not in ("", "attribution"):
            raise ValidationError({"split": ["Use attribution, or leave it out."]})
        total, counts = selectors.facet_counts(queryset, groups, self.count_scope)
        result = {g: _rows(rows) for g, rows in counts.items()}
        for group in (set(groups) & {"system", "operator", "vendor"}) if split else ():
            by_key = selectors.splits_by_slug(queryset, group, self.count_scope)
            for row in result[group]:
                row["attribution"] = by_key.get(row["key"], {})
        return Response({"total": total, "groups": result})
