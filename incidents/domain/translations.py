"""Moderated translations of a published record: added, changed and removed by moderators
as moderation transitions (one transaction, one history row, the public copies rebuilt), and
dropped whenever the original text they translate changes or loses a detail."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ..choices import Action
from ..models import Incident, Translation
from .drafts import StrictSerializer
from .moderation import transition

LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class TranslationDraft(StrictSerializer):
    language = serializers.RegexField(LANGUAGE_TAG, max_length=12, help_text="BCP 47 tag of the translation, e.g. es or pt-BR.",
                                      error_messages={"invalid": gettext_lazy("Use a language tag such as en, es or pt-BR.")})
    title = serializers.CharField(max_length=300)
    narrative = serializers.CharField(max_length=20000)
    method = serializers.ChoiceField(choices=Translation.Method.choices)
    translator = serializers.CharField(max_length=200, help_text="Who made it, as readers will see it.")


def same_language(a: str, b: str) -> bool:
    return (a or "en").lower() == (b or "en").lower()


def save(incident: Incident, actor, data: dict) -> Incident:
    """Add or replace the record's translation into ``data["language"]``."""
    draft = TranslationDraft(data=data)
    draft.is_valid(raise_exception=True)
    values = dict(draft.validated_data)
    if same_language(values["language"], incident.language):
        raise serializers.ValidationError({"language": [_("The record is written in this language already.")]})

    def apply(locked: Incident):
        Translation.objects.filter(incident=locked, language__iexact=values["language"]).delete()
        Translation.objects.create(incident=locked, **values)
        return {"translation": values["language"], "method": values["method"], "translator": values["translator"]}

    return transition(incident.pk, Action.TRANSLATE, actor, reason=f"Translation into {values['language']}", apply=apply)


def remove(incident: Incident, actor, language: str) -> Incident:
    def apply(locked: Incident):
        removed, _count = Translation.objects.filter(incident=locked, language__iexact=language or "").delete()
        if not removed:
            raise serializers.ValidationError({"language": [_("This record has no translation into {language}.").format(language=language)]})
        return {"translation": language}

    return transition(incident.pk, Action.REMOVE_TRANSLATION, actor, reason=f"Translation into {language} removed", apply=apply)


def for_reader(incident: Incident, reader_language: str) -> Translation | None:
    """The translation of a public record into the reader's language, if one exists and the
    record is written in another language."""
    if same_language(incident.language.split("-")[0], reader_language.split("-")[0]):
        return None
    candidates = {t.language.lower(): t for t in incident.translations.all()}
    return candidates.get(reader_language.lower()) or next(
        (t for code, t in candidates.items() if code.split("-")[0] == reader_language.lower().split("-")[0]), None)
