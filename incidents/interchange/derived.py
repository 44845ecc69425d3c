"""What an imported public record carries that the registry derives again rather than takes.

A record read back (a dump, another registry's export) says things the registry works out
itself: the evidence level, single-source flags, preserved copies, derived claim statuses.
These are dropped before the record is validated as a draft, so only what a person stated
is imported.
"""


def drop_derived(data: dict) -> None:
    """Fields the registry computes (the evidence level, single-source flags, preservation) are recomputed, not imported;
    a partner's credit belongs to the registry that had the partner, so it is not carried across either."""
    data.pop("evidence_level", None)
    data.pop("reported_by", None)
    data.pop("deployment", None)
    for source in data.get("sources") or []:
        if isinstance(source, dict):
            source.pop("preservation", None)
    for outcome in data.get("outcomes") or []:
        if isinstance(outcome, dict):
            outcome.pop("single_source", None)
            if not outcome.pop("stated", False):
                outcome.pop("status", None)  # derived again from the sources
    if isinstance(data.get("claims"), list):
        data["claims"] = stated_claims(data["claims"], data.get("sources"))


def stated_claims(claims: list, sources) -> list:
    """The claims of a version 2 record that say more than the record does (a status a person
    set, sources chosen for the claim, contradicting sources), as draft claims; a claim that
    rests on the record's own sources is derived again."""
    own = [i for i, s in enumerate(sources or []) if isinstance(s, dict) and s.get("source_type") != "official_response"]
    kept = []
    for claim in claims:
        if not isinstance(claim, dict) or "value" not in claim:
            kept.append(claim)  # a draft's claim ("subject"), or something the draft's validation names
            continue
        if not claim.get("stated") and not claim.get("contradicted_by") and claim.get("sources") == own:
            continue
        value = claim.get("value")
        kept.append({"about": claim.get("about"), "subject": value if isinstance(value, str) else "",
                     "sources": claim.get("sources") or [], "contradicted_by": claim.get("contradicted_by") or [],
                     "status": claim.get("status") if claim.get("stated") else ""})
    return kept
