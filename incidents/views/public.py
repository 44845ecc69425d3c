"""Public pages. Thin: every read starts from incidents.selectors, like the API."""

import json
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ..choices import (
    ContributingFactor,
    ErrorType,
    IdentificationMode,
    OutcomeType,
    ReferenceDatabase,
    SourceType,
    Technology,
)
from ..countries import country_name
from ..domain import translations
from ..evidence import OFFICIAL, REPORTED, TESTIMONY, ClaimStatus, EvidenceLevel
from ..public import citations, deployments, selectors
from ..public.counts import tag
from ..public.filters import IncidentFilter
from ..public.pagination import PageError, paginate
from . import charts, claim_rows

PAGE_SIZE = 25
# Facets shown beside the list: (query parameter, selectors.counts_by group, heading).
FACETS = [
    ("system", "system", _("System")), ("vendor", "vendor", _("Vendor")), ("operator", "operator", _("Operator")),
    ("country", "country", _("Country")),
    ("error_type", "error_type", _("Error type")), ("outcome", "outcome", _("Outcome")), ("year", "year", _("Year")),
    ("evidence", "evidence", _("Evidence")), ("has_minor", "has_minor", _("Minors involved")),
]
PAGING = ("cursor", "page_size", "ordering")
# Filters the list page sets with a small form of their own (the others are facets).
MORE_FILTERS = ("region", "incident_date_after", "incident_date_before")


def language_name(tag: str) -> str:
    """A language tag's name in the reader's language ("pt-BR" → "portugués de Brasil" for a Spanish reader)."""
    from django.utils.translation import get_language_info

    for code in (tag.lower(), tag.split("-")[0].lower()):
        try:
            name = str(get_language_info(code)["name_translated"])
        except KeyError:
            continue
        # Spanish and Portuguese write language names in lower case ("traducido del inglés").
        return name.lower() if (get_language() or "en").split("-")[0] in ("es", "pt") else name
    return tag


def card(summary: dict) -> dict:
    row = dict(summary)
    row["country_name"] = country_name(row["country"])
    row["outcome_labels"] = [OutcomeType(t).label for t in row["outcome_types"]]
    row["evidence_label"] = EvidenceLevel(row["evidence_level"]).label
    return row


def query_string(params, **changes) -> str:
    """The current filters with some changed: value None drops the parameter."""
    items = [(k, v) for k, values in params.lists() for v in values if v != "" and k not in changes and k not in PAGING]
    for key, value in changes.items():
        if value is not None:
            items += [(key, v) for v in (value if isinstance(value, list) else [value])]
    return urlencode(items)


def _page(request, queryset, search=None, extra=None, rows_out=None):
    """One keyset page of cards, with the link to the next; the page's rows (with the columns in
    ``extra``) are appended to ``rows_out`` when given."""
    try:
        rows, cursor, *_counted = paginate(queryset, request.GET, search=search, columns={"list_row": selectors.summary_column(), **(extra or {})},
                                        default_size=PAGE_SIZE)
    except PageError as exc:
        return None, None, f"{exc.field}: {exc.message}"
    if rows_out is not None:
        rows_out.extend(rows)
    next_url = None
    if cursor:
        params = [(k, v) for k, values in request.GET.lists() for v in values if k != "cursor"] + [("cursor", cursor)]
        next_url = f"{request.path}?{urlencode(params)}"
    return [card(r) for r in selectors.summaries(rows)], next_url, None


def attribution_facet(request, splits: dict) -> dict:
    """The "how well established" facet: each claim status, with how many listed cases attribute
    the filtered system, vendor, operator or technology with it (when one is filtered)."""
    totals: dict[str, int] = {}
    for by_key in splits.values():
        for split in by_key.values():
            for status, n in split.items():
                totals[status] = totals.get(status, 0) + n
    chosen = request.GET.getlist("attribution")
    values = []
    for status in ClaimStatus:
        active = status.value in chosen
        others = [v for v in chosen if v != status.value]
        link = query_string(request.GET, attribution=others if active else others + [status.value])
        values.append({"key": status.value, "label": status.label, "count": totals.get(status.value, "") if splits else "",
                       "active": active, "url": f"?{link}"})
    return {"param": "attribution", "heading": _("How well the attribution is established"), "values": values, "open": bool(chosen or splits)}


def split_parts(split: dict) -> dict:
    """One split ({status: count}) for a page: the counted cases by status, and the denied apart
    (their cases are not counted: the operator or vendor denies the attribution)."""
    return {"total": sum(n for s, n in split.items() if s != ClaimStatus.DENIED), "denied": split.get(ClaimStatus.DENIED.value, 0),
            "parts": [{"status": s, "label": ClaimStatus(s).label, "count": n} for s, n in split.items() if s != ClaimStatus.DENIED]}


def split_lines(splits: dict, names: dict) -> list[dict]:
    """For each filtered system, vendor, operator or technology: its name and its cases by status."""
    lines = []
    for kind, by_key in splits.items():
        for key, split in by_key.items():
            name = names.get((kind, key)) or (Technology(key).label if kind == "technology" and key in Technology.values else key)
            lines.append({"name": name, "total": sum(split.values()),
                          "parts": [{"status": s, "label": ClaimStatus(s).label, "count": n} for s, n in split.items()]})
    return lines


@require_safe
def home(request):
    facts = selectors.public_facts()
    latest = [card(r) for r in selectors.summaries(facts.only("published_at")[:8])]
    total, counts = selectors.facet_counts(facts, ["system"], scope=("", ""))
    by_system = counts["system"]
    return render(request, "incidents/home.html", {
        "latest": latest, "total": total,
        "systems_chart": charts.Chart(_("Published incidents by system"), by_system, key_label=_("System"), link="/incidents/?system=",
                                      splits=selectors.splits_by_slug(facts, "system", ("", ""))),
    })


@require_safe
def incident_list(request):
    filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
        return render(request, "incidents/list.html", {"errors": errors, "form": filterset.form, "rows": [], "facets": []}, status=400)
    queryset = filterset.qs
    split = selectors.split_column(queryset, filterset.attributing, filterset.scope())
    page_rows = []
    rows, next_url, page_error = _page(request, queryset, search=filterset.search_query, extra={"split": split} if split else None,
                                       rows_out=page_rows)
    if page_error:
        return render(request, "incidents/list.html", {"errors": {"page": [page_error]}, "form": filterset.form, "rows": [], "facets": []}, status=400)
    total, counts = selectors.facet_counts(queryset, [group for _param, group, _heading in FACETS], filterset.scope(), search=filterset.is_search)
    facets = []
    for param, group, heading in FACETS:
        chosen = set(request.GET.getlist(param))
        values = []
        for key, label, n in counts[group][:40]:
            if group == "has_minor" and key == "unknown":
                continue
            active = key in chosen
            others = [v for v in request.GET.getlist(param) if v != key]
            link = query_string(request.GET, **{param: others if active else (others + [key] if group != "has_minor" else key)})
            values.append({"key": key, "label": label, "count": n, "active": active, "url": f"?{link}"})
        facets.append({"param": param, "heading": heading, "values": values, "open": bool(chosen) or param in ("system", "country")})
    splits = selectors.attribution_splits(queryset, filterset.attributing, filterset.scope(), filterset.slugs,
                                          page=page_rows if split else None)
    facets.insert(3, attribution_facet(request, splits))
    # Chips name what was chosen as the facets do (a system's name, a country's, an outcome's label), not its slug.
    names = {(facet["param"], v["key"]): v["label"] for facet in facets for v in facet["values"]}
    active_filters = [
        {"label": f"{heading}: {names.get((param, value), value)}",
         "url": "?" + query_string(request.GET, **{param: [v for v in request.GET.getlist(param) if v != value]})}
        for param, heading in [(name, f.label) for name, f in filterset.filters.items()] for value in request.GET.getlist(param) if value
    ]
    export_query = query_string(request.GET)
    return render(request, "incidents/list.html", {
        "form": filterset.form, "rows": rows, "next_url": next_url, "total": total, "facets": facets,
        "splits": split_lines(splits, names),
        "active_filters": active_filters, "q": request.GET.get("q", ""),
        "kept": [(k, v) for k, values in request.GET.lists() for v in values if k not in MORE_FILTERS + PAGING and v != ""],
        "more": {name: request.GET.get(name, "") for name in MORE_FILTERS},
        "csv_url": f"/api/v1/incidents/export.csv?{export_query}", "jsonl_url": f"/api/v1/incidents/export.jsonl?{export_query}",
        "api_url": f"/api/v1/incidents/?{export_query}",
    })


def _not_public(request, public_id, suffix=""):
    """Redirect a merged id to the canonical page; a withdrawn one gets its reason and 410."""
    state = selectors.where_now(public_id)
    if state is None:
        raise Http404(f"No published incident {public_id}.")
    kind, record = state
    if kind == "moved":
        return HttpResponsePermanentRedirect(reverse("incidents:incident", args=[record.public_id]) + suffix)
    return render(request, "incidents/withdrawn.html", {"public_id": public_id, "record": record}, status=410)


@require_safe
def incident_detail(request, public_id):
    incident = selectors.public_incident(public_id)
    if incident is None:
        return _not_public(request, public_id)
    record = selectors.record_of(incident)
    versions = selectors.history_public(incident)
    url = request.build_absolute_uri(reverse("incidents:incident", args=[public_id]))
    sources = record["sources"]
    outcomes = sorted(
        ({**o, "label": OutcomeType(o["type"]).label, "source_refs": [(i + 1, sources[i]) for i in o["sources"]],
          "claim": claim_rows.status_of(o), "differ": claim_rows.differing_values(o)} for o in record["outcomes"]),
        key=lambda o: (o["date"] is None, o["date"] or ""),
    )
    available = translations.for_reader(incident, get_language() or "en")
    original = bool(request.GET.get("original"))
    return render(request, "incidents/incident.html", {
        "translation": None if original else available, "translated_from": language_name(record.get("language") or "en"),
        "has_translation": original and available is not None,
        "r": record, "country": country_name(record["country"]), "outcomes": outcomes,
        "claims": claim_rows.claim_rows(record), **claim_rows.attributed(record),
        "evidence": EvidenceLevel(record["evidence_level"]).label,
        "mode": IdentificationMode(record["identification_mode"]).label, "error": ErrorType(record["error_type"]).label,
        "factors": [ContributingFactor(f).label for f in record["contributing_factors"]],
        "database": ReferenceDatabase(record["reference_database"]).label if record["reference_database"] in ReferenceDatabase.values
        else record["reference_database"],
        "sources": [{**s, "type_label": SourceType(s["source_type"]).label} for s in sources],
        "versions": versions, "corrections": [v for v in versions if v.number > 1 and v.note],
        "cite_plain": citations.plain(record, url), "cite_bibtex": citations.bibtex(record, url),
        "citation_meta": citations.meta_tags(record, url), "json_ld": citations.json_ld(record, url),
    })


@require_safe
def incident_version(request, public_id, number):
    """One version of a record exactly as it was published (what a citation of that version points to)."""
    incident = selectors.public_incident(public_id)
    if incident is None:
        return _not_public(request, public_id)
    found = selectors.version_public(incident, int(number))
    if found is None:
        raise Http404(f"{public_id} has no version {number}.")
    snapshot, version = found
    return render(request, "incidents/version.html", {
        "r": snapshot, "version": version, "current": incident.version, "country": country_name(snapshot.get("country") or ""),
        "sources": [{**s, "type_label": SourceType(s["source_type"]).label if s.get("source_type") in SourceType.values else s.get("source_type")}
                    for s in snapshot.get("sources") or []],
        "outcomes": [{**o, "label": OutcomeType(o["type"]).label if o.get("type") in OutcomeType.values else o.get("type")}
                     for o in snapshot.get("outcomes") or []],
    })


@require_safe
def incident_citation(request, public_id, fmt):
    """The record's citation as a file a reference manager imports: CSL-JSON or RIS."""
    incident = selectors.public_incident(public_id)
    if incident is None:
        raise Http404(f"No published incident {public_id}.")
    record = selectors.record_of(incident)
    url = request.build_absolute_uri(reverse("incidents:incident", args=[public_id]))
    if fmt == "json":
        response = HttpResponse(json.dumps(citations.csl_json(record, url), ensure_ascii=False, indent=1),
                                content_type="application/vnd.citationstyles.csl+json; charset=utf-8")
    else:
        response = HttpResponse(citations.ris(record, url), content_type="application/x-research-info-systems; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{public_id}-v{record["version"]}.{"json" if fmt == "json" else "ris"}"'
    return response


@require_safe
def incident_history(request, public_id):
    incident = selectors.public_incidents().filter(public_id=public_id).only("id", "public_id", "title", "redacted_at").first()
    if incident is None:
        return _not_public(request, public_id, suffix="history/")
    versions = selectors.history_public(incident)
    return render(request, "incidents/history.html", {"incident": incident, "versions": versions})


@require_safe
def system_list(request):
    systems = selectors.public_systems().order_by("-incident_count", "name")
    return render(request, "incidents/systems.html", {"systems": systems})


@require_safe
def system_detail(request, slug):
    system = selectors.public_system(slug)
    if system is None:
        raise Http404(f"No system {slug} with published incidents.")
    incidents = selectors.incidents_of_system(selectors.public_facts(), system)
    rows, next_url, error = _page(request, incidents)
    if error:
        raise Http404(error)
    _total, counts = selectors.facet_counts(incidents, ["operator", "year", "outcome"], selectors.system_scope(system))
    return render(request, "incidents/system.html", {
        "system": system, "technology": Technology(system.technology).label,
        "modes": [IdentificationMode(m).label for m in system.identification_modes if m in IdentificationMode.values],
        "operators": counts["operator"], "rows": rows, "next_url": next_url,
        "split": split_parts(selectors.split_of("system", system.pk)),
        "year_chart": charts.year_chart(counts["year"]),
        "outcome_chart": charts.Chart(_("Outcomes by type"), counts["outcome"], key_label=_("Outcome"),
                                      link=f"/incidents/?system={system.slug}&outcome="),
        "feed_url": reverse("incidents:system-feed", args=[system.slug]),
        "deployments": deployments.for_pages(deployments.deployments_of(system=system)),
        "responses": selectors.official_responses(selectors.public_facts().filter(selectors.attributed_to("system", system.pk))),
    })


@require_safe
def organization_detail(request, slug):
    org = selectors.public_organization(slug)
    if org is None:
        raise Http404(f"No organization {slug} with published incidents.")
    incidents = selectors.incidents_of_organization(selectors.public_facts(), org)
    rows, next_url, error = _page(request, incidents)
    if error:
        raise Http404(error)
    _total, counts = selectors.facet_counts(incidents, ["year", "outcome"])
    return render(request, "incidents/organization.html", {
        "org": org, "country": country_name(org.country) if org.country else "",
        "systems_used": selectors.counts_by(selectors.public_facts().filter(tags__contains=[tag("operator", org.pk)]), "system"),
        "systems_made": selectors.public_systems().filter(vendor=org).order_by("name"),
        "rows": rows, "next_url": next_url,
        "operator_split": split_parts(selectors.split_of("operator", org.pk)), "vendor_split": split_parts(selectors.split_of("vendor", org.pk)),
        "year_chart": charts.year_chart(counts["year"]),
        "outcome_chart": charts.Chart(_("Outcomes by type"), counts["outcome"], key_label=_("Outcome")),
        "deployments": deployments.for_pages(deployments.deployments_of(organization=org)),
        "responses": selectors.official_responses(selectors.public_facts().filter(
            selectors.attributed_to("operator", org.pk) | selectors.attributed_to("vendor", org.pk))),
    })


@require_safe
def stats(request):
    facts = selectors.public_facts()
    total, counts = selectors.facet_counts(facts, ["year", "system", "operator", "country", "outcome", "error_type",
                                                   "identification_mode"], scope=("", ""))
    return render(request, "incidents/stats.html", {
        "total": total,
        "year_chart": charts.year_chart(counts["year"]),
        "charts": [
            charts.Chart(_("By system"), counts["system"], key_label=_("System"), link="/incidents/?system=",
                         splits=selectors.splits_by_slug(facts, "system", ("", ""))),
            charts.Chart(_("By operator"), counts["operator"], key_label=_("Operator"), link="/incidents/?operator=",
                         splits=selectors.splits_by_slug(facts, "operator", ("", ""))),
            charts.Chart(_("By country"), counts["country"], key_label=_("Country"), link="/incidents/?country="),
            charts.Chart(_("By outcome"), counts["outcome"], key_label=_("Outcome"), link="/incidents/?outcome="),
            charts.Chart(_("By error type"), counts["error_type"], key_label=_("Error type"), link="/incidents/?error_type="),
            charts.Chart(_("By identification mode"), counts["identification_mode"], key_label=_("Mode"),
                         link="/incidents/?identification_mode="),
        ],
    })


@require_safe
def methods(request):
    label = lambda types: ", ".join(sorted(str(SourceType(t).label).lower() for t in types))  # noqa: E731
    return render(request, "incidents/methods.html", {"official": label(OFFICIAL), "reported": label(REPORTED), "testimony": label(TESTIMONY)})


@require_safe
def preserved_copy(request, source_id):
    """The registry's copy of a source: extracted text, never the fetched HTML (nothing of it runs)."""
    source = selectors.public_source(source_id)
    if source is None or source.preserved is None:
        raise Http404("No preserved copy of this source.")
    citing = selectors.public_incidents().filter(source_links__source=source).only("public_id", "title")[:20]
    return render(request, "incidents/preserved.html", {"source": source, "copy": source.preserved, "citing": citing})


@require_safe
def preserved_file(request, source_id):
    """The preserved PDF, as an attachment, sandboxed: it is somebody else's document."""
    source = selectors.public_source(source_id)
    copy = source.preserved if source else None
    if copy is None or copy.body is None:
        raise Http404("No preserved file of this source.")
    response = HttpResponse(bytes(copy.body), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="source-{source.pk}-{copy.fetched_at:%Y%m%d}.pdf"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
