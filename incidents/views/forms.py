"""The /submit/ form: HTML field names in, the API's submission body out, and errors back.

The form has no validation of its own. It turns the posted fields into the same JSON
body the API accepts, hands it to services.submit (so the rules and the messages are the
API's), and maps each error path such as ``sources.1.url`` back to the field the person
typed in, beside which the page shows it.
"""

from babel.numbers import NumberFormatError, parse_decimal
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..countries import country_choices
from ..public.format import public_record

SOURCE_FIELDS = ("url", "title", "publisher", "published_date", "source_type", "denies")
OUTCOME_FIELDS = ("type", "date", "detail", "days", "amount", "currency", "sources")
DEFAULT_SOURCE_ROWS = 2
DEFAULT_OUTCOME_ROWS = 2
MAX_ROWS = 20



def _tri(value):
    return {"yes": True, "no": False}.get(value)


def _number(value, whole=False):
    """A number as the reader writes it in their language ("1.000.000" or "1,5" in Spanish,
    "1,000,000" in English), as the API's plain form; anything else is passed on as typed,
    for the API to refuse with its message."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = parse_decimal(value, locale=translation.to_locale(translation.get_language() or "en"), strict=True)
    except (NumberFormatError, ValueError):
        return value
    if whole:
        return int(number) if number == number.to_integral_value() else value
    return str(number)


def _int(value):
    return _number(value, whole=True)


def _row_indexes(post, prefix: str) -> list[int]:
    """The row numbers a form sent for ``prefix`` (``sources-3-url`` → 3), in order."""
    if not post:
        return []
    return sorted({int(key.split("-")[1]) for key in post if key.startswith(f"{prefix}-") and key.split("-")[1].isdigit()})


def _rows(post, prefix, fields):
    """Return [(display index, {field: value})] for the rows the person filled in."""
    indexes = _row_indexes(post, prefix)
    rows = []
    for i in indexes[:MAX_ROWS]:
        values = {f: post.get(f"{prefix}-{i}-{f}", "").strip() for f in fields}
        if any(v for k, v in values.items() if k not in ("source_type", "sources", "denies")):
            rows.append((i, values))
    return rows


def to_payload(post) -> tuple[dict, dict]:
    """Return (API body, where) from a POST: ``where`` maps body paths back to form field names."""
    sources = _rows(post, "sources", SOURCE_FIELDS)
    outcomes = _rows(post, "outcomes", OUTCOME_FIELDS)
    # People number sources as they see them (1, 2, ...); the API wants positions among those sent.
    position_of_shown = {shown + 1: position for position, (shown, _) in enumerate(sources)}
    where = {"sources": {}, "outcomes": {}}
    body_sources = []
    for position, (shown, values) in enumerate(sources):
        where["sources"][position] = shown
        body_sources.append({"url": values["url"], "title": values["title"], "publisher": values["publisher"],
                             "published_date": values["published_date"] or None, "source_type": values["source_type"] or "news"})
    body_outcomes = []
    for position, (shown, values) in enumerate(outcomes):
        where["outcomes"][position] = shown
        numbers = [int(n) for n in values["sources"].replace(" ", "").split(",") if n.isdigit()] or ([1] if sources else [])
        body_outcomes.append({
            "type": values["type"], "date": values["date"] or None, "detail": values["detail"], "days": _int(values["days"]),
            "amount": _number(values["amount"]), "currency": values["currency"].upper(),
            # An unknown number becomes an out-of-range position, which the API names.
            "sources": [position_of_shown.get(n, 10_000 + n) for n in numbers],
        })
    denying = [position for position, (_shown, values) in enumerate(sources) if values["denies"]]
    affected = {"count": _int(post.get("affected-count")), "has_minor": _tri(post.get("affected-has_minor")),
                "name": post.get("affected-name", "").strip()}
    body = {
        "title": post.get("title", "").strip(), "narrative": post.get("narrative", "").strip(),
        "language": post.get("language") or page_language(),
        "incident_date": post.get("incident_date", "").strip() or None, "country": post.get("country", ""),
        "region": post.get("region", "").strip(), "city": post.get("city", "").strip(),
        "systems": [v.strip() for v in post.getlist("systems") if v.strip()],
        "operators": [v.strip() for v in post.getlist("operators") if v.strip()],
        "identification_mode": post.get("identification_mode") or "unknown", "error_type": post.get("error_type") or "other",
        "contributing_factors": post.getlist("contributing_factors"),
        "reference_database": post.get("reference_database", ""),
        "human_review": _tri(post.get("human_review")), "sole_basis": _tri(post.get("sole_basis")),
        "affected": affected, "sources": body_sources, "outcomes": body_outcomes,
        "submitter": {"role": post.get("submitter-role") or "other", "contact_email": post.get("submitter-contact_email", "").strip()},
    }
    if denying:  # a source that denies face recognition was used: the claim, with the others supporting it
        supporting = [p for p, (_shown, values) in enumerate(sources) if p not in denying and values["source_type"] != "official_response"]
        body["claims"] = [{"about": "technology", "subject": "face", "sources": supporting, "contradicted_by": denying}]
    return body, where


def form_errors(paths: dict[str, list[str]], where: dict) -> dict[str, list[str]]:
    """Map API error paths (``sources.0.url``) to form field names (``sources-1-url``)."""
    out: dict[str, list[str]] = {}
    for path, messages in paths.items():
        parts = path.split(".")
        if parts[0] in ("sources", "outcomes") and len(parts) >= 2 and parts[1].isdigit():
            shown = where[parts[0]].get(int(parts[1]), int(parts[1]))
            name = f"{parts[0]}-{shown}-{parts[2] if len(parts) > 2 else 'url' if parts[0] == 'sources' else 'type'}"
        elif parts[0] in ("affected", "submitter") and len(parts) > 1:
            name = f"{parts[0]}-{parts[1]}"
        elif parts[0] in ("systems", "operators", "contributing_factors", "external_ids"):
            name = parts[0]
        else:
            name = parts[0]
        out.setdefault(name, []).extend(messages)
    return out


# The languages a report is offered in (any BCP 47 tag is accepted through the API).
RECORD_LANGUAGES = [("en", "English"), ("es", "Español"), ("pt-BR", "Português"), ("fr", "Français"), ("de", "Deutsch"),
                    ("it", "Italiano"), ("ar", "العربية"), ("ru", "Русский"), ("zh", "中文"), ("und", _("Another language"))]


def page_language() -> str:
    """The page's language as a record's language tag (pt-br → pt-BR)."""
    code = translation.get_language() or "en"
    return "pt-BR" if code == "pt-br" else code


FIELD_LABELS = {
    "title": _("Short title"), "narrative": _("What happened"), "language": _("Language of the account"), "incident_date": _("Date"), "country": _("Country"),
    "region": _("Region or state"), "city": _("City or place"), "systems": _("Systems"), "operators": _("Agencies or companies"),
    "identification_mode": _("How was the system used?"), "error_type": _("What went wrong?"),
    "contributing_factors": _("Contributing factors"), "affected-count": _("How many people"), "affected-name": _("Name"),
    "affected-has_minor": _("Was a child (under 18) among them?"), "submitter-contact_email": _("Email"),
    "submitter-role": _("You are"), "sources": _("Sources"), "outcomes": _("Outcomes"),
}
ROW_LABELS = {
    "url": _("link"), "title": _("title"), "publisher": _("publisher"), "published_date": _("published"), "source_type": _("kind"),
    "type": _("type"), "date": _("when"), "detail": _("details"), "days": _("days"), "amount": _("amount"), "currency": _("currency"),
}
# Where a summary link takes the reader for an error on a whole list.
ANCHORS = {"systems": "systems-1", "operators": "operators-1", "sources": "sources", "outcomes": "outcomes"}


def error_summary(errors: dict, post) -> list[tuple[str, str, str]]:
    """(field id, label, message) for each error, in the form's order: the summary shown at the
    top of a form that was not sent, each entry a link to its field."""
    order = list(FIELD_LABELS)
    rows = []
    for name, messages in errors.items():
        if name == "non_field_errors":
            rows += [(-1, "", "", m) for m in messages]
            continue
        parts = name.split("-")
        if parts[0] in ("sources", "outcomes") and len(parts) == 3:
            kind = _("Source") if parts[0] == "sources" else _("Outcome")
            shown = _shown_number(post, parts[0], int(parts[1]))
            label = f"{kind} {shown}, {ROW_LABELS.get(parts[2], parts[2])}"
        else:
            label = FIELD_LABELS.get(name, name)
        position = order.index(parts[0] if parts[0] in ("sources", "outcomes") else name) if name in order or parts[0] in order else len(order)
        rows += [(position, ANCHORS.get(name, name), str(label), m) for m in messages]
    return [row[1:] for row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _shown_number(post, prefix: str, index: int) -> int:
    indexes = _row_indexes(post, prefix)
    return indexes.index(index) + 1 if index in indexes else index + 1


def form_context(post=None, errors=None) -> dict:
    """What the template needs to render the form, filled with what was posted."""
    post = post if post is not None else {}
    get = post.get if hasattr(post, "get") else (lambda k, d="": d)
    getlist = post.getlist if hasattr(post, "getlist") else (lambda k: [])
    errors = errors or {}

    def rows(prefix, fields, default):
        indexes = _row_indexes(post, prefix)[:MAX_ROWS] or list(range(default))
        return [{"index": i, "number": n + 1, "values": {f: get(f"{prefix}-{i}-{f}", "") for f in fields},
                 "errors": {f: errors.get(f"{prefix}-{i}-{f}", []) for f in fields}} for n, i in enumerate(indexes)]

    systems = [v for v in getlist("systems") if v] + [""] * 3
    operators = [v for v in getlist("operators") if v] + [""] * 2
    return {
        "record_languages": RECORD_LANGUAGES, "chosen_language": get("language", "") or page_language(),
        "v": {k: get(k, "") for k in ("title", "narrative", "incident_date", "country", "region", "city", "identification_mode", "error_type",
                                      "reference_database", "human_review", "sole_basis", "affected-count", "affected-has_minor",
                                      "affected-name", "submitter-role", "submitter-contact_email")},
        "systems": systems[:max(3, len(systems) - 3)], "operators": operators[:max(2, len(operators) - 2)],
        "chosen_factors": getlist("contributing_factors"),
        "errors": errors, "general_errors": errors.get("non_field_errors", []), "summary": error_summary(errors, post),
        "source_rows": rows("sources", SOURCE_FIELDS, DEFAULT_SOURCE_ROWS),
        "outcome_rows": rows("outcomes", OUTCOME_FIELDS, DEFAULT_OUTCOME_ROWS),
        "blank_row": {"index": 99, "number": "", "values": {}, "errors": {}},
        "countries": country_choices(), "modes": choices.IdentificationMode.choices, "error_types": choices.ErrorType.choices,
        "factors": choices.ContributingFactor.choices, "databases": choices.ReferenceDatabase.choices,
        "source_types": choices.SourceType.choices, "outcome_types": choices.OutcomeType.choices, "roles": choices.SubmitterRole.choices,
    }


def _yes_no(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def draft_post(incident) -> QueryDict:
    """The form's fields filled with a draft's current values, as if posted: the desk's edit
    form is the submission form, so a moderator's edit meets the same rules and messages."""
    record = public_record(incident)
    post = QueryDict(mutable=True)
    post["language"] = incident.language
    for field in ("title", "narrative", "incident_date", "country", "region", "city", "identification_mode", "error_type"):
        post[field] = record[field] or ""
    post["reference_database"] = record["reference_database"] or ""
    post["human_review"], post["sole_basis"] = _yes_no(record["human_review"]), _yes_no(record["sole_basis"])
    post.setlist("systems", [s["name"] for s in record["systems"]] + [p.name for p in incident.proposed_names.filter(kind="system")])
    post.setlist("operators", [o["name"] for o in record["operators"]] + [p.name for p in incident.proposed_names.filter(kind="operator")])
    post.setlist("contributing_factors", record["contributing_factors"])
    post["affected-count"] = "" if incident.affected_count is None else str(incident.affected_count)
    post["affected-has_minor"] = _yes_no(incident.affected_minor)
    post["affected-name"] = incident.affected_name  # a moderator's form: the private name too
    for i, source in enumerate(record["sources"]):
        for f in SOURCE_FIELDS:
            post[f"sources-{i}-{f}"] = source.get(f) or "" if f != "denies" else ""
    for i, outcome in enumerate(record["outcomes"]):
        for f in OUTCOME_FIELDS:
            value = outcome.get(f)
            if f == "sources":
                value = ", ".join(str(n + 1) for n in value)
            elif isinstance(value, float):
                value = f"{value:g}"
            post[f"outcomes-{i}-{f}"] = "" if value is None else str(value)
    return post
