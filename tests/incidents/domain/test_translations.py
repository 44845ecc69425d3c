"""Moderated translations: a moderator adds a record's title and narrative in another
language, marked human or machine with who made it; readers of that language see it with
the original one click away; a correction of the original or any redaction removes it."""

import pytest
from rest_framework.exceptions import ValidationError

from incidents.choices import Action
from incidents.domain import actions, moderation, redaction
from incidents.models import ModerationEvent, Translation
from tests.factories import publish_new

pytestmark = pytest.mark.django_db

SPANISH = {"language": "es", "title": "Hombre detenido tras una búsqueda facial", "narrative": "La policía detuvo a Robert Example por error.",
           "method": "human", "translator": "Voluntaria de la red"}


@pytest.fixture
def record(moderator):
    return publish_new(moderator, title="Man held after a face search", narrative="Police detained Robert Example by mistake.")


def test_a_translation_is_shown_in_the_readers_language_with_the_original_a_click_away(client, moderator, record):
    actions.perform("translate", record, moderator, SPANISH)
    assert ModerationEvent.objects.filter(incident=record, action=Action.TRANSLATE).count() == 1
    page = client.get(f"/incidents/{record.public_id}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Hombre detenido tras una búsqueda facial" in page and "Traducido del inglés: Traducción humana, por Voluntaria de la red." in page
    assert 'lang="es"' in page and "?original=1" in page
    original = client.get(f"/incidents/{record.public_id}/?original=1", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Man held after a face search" in original and "Leerlo en su idioma" in original
    english = client.get(f"/incidents/{record.public_id}/").content.decode()
    assert "Man held after a face search" in english and "Hombre detenido" not in english
    portuguese = client.get(f"/incidents/{record.public_id}/", HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "Hombre detenido" not in portuguese  # no Portuguese translation: the original
    listed = client.get(f"/api/v1/incidents/{record.public_id}/translations/").json()
    assert listed[0] | {"updated_at": None} == SPANISH | {"updated_at": None}


def test_a_new_translation_into_the_same_language_replaces_the_old_and_one_can_be_removed(moderator, record):
    actions.perform("translate", record, moderator, SPANISH)
    actions.perform("translate", record, moderator, SPANISH | {"language": "ES", "title": "Otro título", "method": "machine"})
    assert list(Translation.objects.filter(incident=record).values_list("title", flat=True)) == ["Otro título"]
    actions.perform("remove_translation", record, moderator, {"language": "es"})
    assert not Translation.objects.filter(incident=record).exists()
    assert ModerationEvent.objects.filter(incident=record, action=Action.REMOVE_TRANSLATION).count() == 1


@pytest.mark.parametrize("bad,field", [({"language": "en"}, "language"), ({"language": "not a tag"}, "language"), ({"method": "guess"}, "method"),
                                       ({"translator": ""}, "translator"), ({"title": ""}, "title")])
def test_bad_translations_name_the_field_and_change_nothing(moderator, record, bad, field):
    with pytest.raises(ValidationError) as error:
        actions.perform("translate", record, moderator, SPANISH | bad)
    assert field in error.value.detail
    assert not Translation.objects.exists() and not ModerationEvent.objects.filter(action=Action.TRANSLATE).exists()


def test_only_published_records_are_translated(moderator):
    from tests.factories import submit

    draft, _, _ = submit()
    with pytest.raises(moderation.InvalidTransition):
        actions.perform("translate", draft, moderator, SPANISH)


def test_a_redaction_removes_every_translation_so_a_removed_name_is_gone_everywhere(client, moderator, record):
    actions.perform("translate", record, moderator, SPANISH)
    redaction.redact(record, moderator, "Details removed at the person's request.", remove=["Robert Example"])
    assert not Translation.objects.filter(incident=record).exists()
    for lang in ("es", "en"):
        assert "Robert Example" not in client.get(f"/incidents/{record.public_id}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert client.get(f"/api/v1/incidents/{record.public_id}/translations/").json() == []


def test_a_correction_of_the_narrative_removes_the_translations_and_says_so(moderator, record):
    actions.perform("translate", record, moderator, SPANISH)
    moderation.correct(record, moderator, {"city": "Detroit"}, "City added.")
    assert Translation.objects.filter(incident=record).exists()  # the text it translates did not change
    moderation.correct(record, moderator, {"narrative": "Police detained a man by mistake."}, "Narrative corrected.")
    assert not Translation.objects.filter(incident=record).exists()
    assert record.versions.order_by("-number").first().changes["translations_removed"] == [None, ["es"]]


def test_the_moderation_api_translates(mod_client, record):
    answer = mod_client.post(f"/api/v1/moderation/incidents/{record.public_id}/translate/", SPANISH, format="json")
    assert answer.status_code == 200, answer.content
    bad = mod_client.post(f"/api/v1/moderation/incidents/{record.public_id}/translate/", SPANISH | {"method": "x"}, format="json")
    assert bad.status_code == 400 and "method" in bad.json()["error"]["fields"]
    gone = mod_client.post(f"/api/v1/moderation/incidents/{record.public_id}/remove-translation/", {"language": "es"}, format="json")
    assert gone.status_code == 200 and not Translation.objects.exists()
