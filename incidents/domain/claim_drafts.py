"""Validation of a draft's claims: which sources support and contradict each attribution,
the status a person sets, and the values sources give where they differ."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from rest_framework import serializers

from .. import choices
from ..evidence import ClaimAbout, ClaimStatus
from .draft_fields import MAX_SOURCES, StrictSerializer, parse_partial_date


def _positions(help_text: str):
    return serializers.ListField(child=serializers.IntegerField(min_value=0), max_length=MAX_SOURCES, required=False, default=list,
                                 help_text=help_text)


STATUS_HELP = ("Set by a moderator (a submitter may propose it): confirmed, reported, alleged, disputed or denied. "
               "Leave it out to derive it from the sources that support and contradict the claim.")


class ValueDraft(StrictSerializer):
    """A value one or more sources give for an outcome's days, amount or date, where sources differ."""

    field = serializers.ChoiceField(choices=["days", "amount", "date"])
    value = serializers.CharField(max_length=40, help_text="A whole number of days, an amount such as 300000.00, or a date (YYYY, YYYY-MM, YYYY-MM-DD).")
    sources = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=1, max_length=MAX_SOURCES,
                                    help_text="Positions in the incident's sources list of the sources giving this value.")

    def validate(self, attrs):
        value = attrs["value"].strip()
        try:
            if attrs["field"] == "days":
                attrs["value"] = str(int(value)) if value.isdigit() and int(value) <= 36500 else None
            elif attrs["field"] == "amount":
                attrs["value"] = f"{Decimal(value):.2f}" if re.fullmatch(r"\d{1,12}(\.\d{1,2})?", value) else None
            else:
                parse_partial_date(value)
                attrs["value"] = value
        except (ValueError, serializers.ValidationError, InvalidOperation):
            attrs["value"] = None
        if attrs["value"] is None:
            raise serializers.ValidationError({"value": [_("Give a whole number of days, an amount such as 300000.00, or a date such as 2020-01-09.")]})
        return attrs


class ClaimDraft(StrictSerializer):
    """One part of the record with its own evidence: a technology, system, vendor or operator
    attributed to the case, or that the match was the sole basis for action, or that a human
    examiner reviewed it."""

    about = serializers.ChoiceField(choices=ClaimAbout.choices)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                    help_text="The system, vendor or operator (slug, name or alias, one of the record's) or the technology code; "
                                              "nothing for sole_basis and human_review.")
    sources = _positions("Positions in the incident's sources list of the sources that say so.")
    contradicted_by = _positions("Positions of the sources that say otherwise (a denial: the operator's or vendor's response).")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, allow_blank=True, default="", help_text=STATUS_HELP)

    def validate(self, attrs):
        for key in ("sources", "contradicted_by"):
            attrs.setdefault(key, [])
        attrs["subject"] = (attrs.get("subject") or "").strip()
        attrs.setdefault("status", "")
        about = attrs["about"]
        if about in (ClaimAbout.SOLE_BASIS, ClaimAbout.HUMAN_REVIEW):
            attrs["subject"] = ""
        elif not attrs["subject"]:
            raise serializers.ValidationError({"subject": [_("Name what the claim is about: one of the record's systems, vendors or operators, or a technology.")]})
        elif about == ClaimAbout.TECHNOLOGY and attrs["subject"] not in choices.Technology.values:
            raise serializers.ValidationError({"subject": [_("Use a technology code: {codes}.").format(codes=", ".join(choices.Technology.values))]})
        if set(attrs["sources"]) & set(attrs["contradicted_by"]):
            raise serializers.ValidationError({"contradicted_by": [_("A source cannot both support and contradict the same claim.")]})
        return attrs


def check_positions(parts: dict, count: int) -> None:
    """Refuse a reference to a source position beyond the record's ``count`` sources, naming it."""

    def bad(positions):
        return [_("Source {n} does not exist: there are {count} sources, numbered from 0.").format(n=n, count=count)
                for n in positions if n >= count]

    errors = {}
    for name, rows in parts.items():
        rows_errors = []
        for row in rows:
            found = {key: bad(row.get(key) or []) for key in ("sources", "contradicted_by")}
            found["values"] = [{"sources": bad(v["sources"])} if bad(v["sources"]) else {} for v in row.get("values") or []]
            rows_errors.append({k: v for k, v in found.items() if v and any(v)})
        if any(rows_errors):
            errors[name] = rows_errors
    if errors:
        raise serializers.ValidationError(errors)


def lowest_values(outcome: dict) -> dict:
    """Where sources differ, the outcome counts the lowest days and amount and the earliest
    date (the documented rule of the statistics, docs on the methods page)."""
    given = {}
    for row in outcome.get("values") or []:
        given.setdefault(row["field"], []).append(row["value"])
    if "days" in given:
        outcome["days"] = min(int(v) for v in given["days"])
    if "amount" in given:
        outcome["amount"] = min(Decimal(v) for v in given["amount"])
    if "date" in given:
        earliest = min(given["date"], key=lambda v: parse_partial_date(v)[0])
        outcome["date"] = parse_partial_date(earliest)
    return outcome
