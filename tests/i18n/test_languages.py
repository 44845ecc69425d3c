"""The public site, its forms, mails and API messages in English, Spanish and Brazilian
Portuguese: chosen by the switcher's cookie or the browser's Accept-Language; every template
string marked for translation and translated in both catalogues."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core import mail
from django.utils import translation

from incidents.domain import moderation, notices
from incidents.models import Submission
from tests.factories import make_moderator, publish_new

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "incidents" / "templates" / "incidents"
LANGS = {"es": "Reportar un caso", "pt-br": "Relatar um caso"}


@pytest.fixture
def record(moderator):
    return publish_new(moderator, title="Shopper banned after a watch-list match", country="GB",
                       outcomes=[{"type": "banned", "days": 3, "sources": [0]}])


def public_pages(record):
    pid = record.public_id
    return ["/", "/incidents/", f"/incidents/{pid}/", f"/incidents/{pid}/history/", f"/incidents/{pid}/v/1/", "/systems/",
            "/stats/", "/about/methods/", "/submit/", f"/incidents/{pid}/correction/", "/submissions/lost-link/"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_speaks_the_browsers_language(client, record, lang):
    for path in public_pages(record):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=f"{lang},en;q=0.5")
        assert page.status_code == 200, path
        html = page.content.decode()
        assert f'<html lang="{lang}">' in html, path
        assert LANGS[lang] in html and "Report a case" not in html, path
        assert "Skip to content" not in html


def test_english_is_the_default_and_the_switcher_keeps_the_page(client, record):
    assert '<html lang="en">' in client.get("/incidents/").content.decode()
    answer = client.get("/language/", {"lang": "pt-br", "next": "/incidents/?country=GB"})
    assert answer.status_code == 302 and answer["Location"] == "/incidents/?country=GB"
    assert answer.cookies["lang"].value == "pt-br"
    assert "Relatar um caso" in client.get("/incidents/?country=GB").content.decode()
    # Another site as `next`, or an unknown language, changes nothing.
    elsewhere = client.get("/language/", {"lang": "xx", "next": "https://evil.example/"})
    assert elsewhere["Location"] == "/" and "lang" not in elsewhere.cookies


def test_the_switcher_links_every_language_back_to_this_page(client, record):
    html = client.get("/incidents/?country=GB").content.decode()
    for code in ("en", "es", "pt-br"):
        assert f'/language/?lang={code}&amp;next=/incidents/%3Fcountry%3DGB' in html


def test_the_public_cache_keeps_one_copy_per_language(client, record, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    english = client.get("/").content.decode()
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Report a case" in english and "Reportar un caso" in spanish
    assert "Report a case" in client.get("/").content.decode()


def test_choices_countries_and_plurals_are_translated(client, record):
    html = client.get(f"/incidents/{record.public_id}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reino Unido" in html and "Se le prohibió la entrada" in html and "3 días" in html
    html = client.get(f"/incidents/{record.public_id}/", HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "Reino Unido" in html and "Proibido de entrar" in html and "3 dias" in html


def test_api_errors_follow_accept_language(client, rate_limits):
    rate_limits(submissions="100000/hour")
    body = client.post("/api/v1/submissions/", {"title": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="es").json()
    assert body["error"]["message"].startswith("La solicitud tiene errores en:")
    assert body["error"]["fields"]["narrative"] == ["Este campo es requerido."]
    body = client.post("/api/v1/submissions/", {"title": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="pt-BR").json()
    assert body["error"]["message"].startswith("A solicitação tem erros em:")
    english = client.post("/api/v1/submissions/", {"title": ""}, content_type="application/json").json()
    assert english["error"]["message"].startswith("The request has errors in:")


def test_mails_are_written_in_the_language_the_report_was_sent_in(client, rate_limits):
    rate_limits(submissions="100000/hour")
    from tests.factories import payload

    moderator = make_moderator(username="mod-i18n")
    body = payload()
    body["submitter"]["contact_email"] = "reporter@example.org"
    created = client.post("/api/v1/submissions/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="es").json()
    submission = Submission.objects.get(pk=created["id"])
    assert submission.language == "es"
    moderation.claim(submission.incident, moderator)
    moderation.publish(submission.incident, moderator)
    with translation.override("en"):  # the worker's own language does not matter
        notices.send_due()
    sent = mail.outbox[-1]
    assert sent.subject == "Su reporte ya es público" and "fue revisado y ya es público" in sent.body


@pytest.mark.parametrize("lang,typed,expected", [("es", "1.000", 1000), ("pt-br", "2.500", 2500), ("en", "1,000", 1000)])
def test_numbers_are_read_in_the_readers_format(client, lang, typed, expected, rate_limits):
    rate_limits(submissions="100000/hour")
    from tests.incidents.views.test_forms_and_desk import VALID

    post = dict(VALID)
    post["affected-count"] = typed
    post["outcomes-0-amount"], post["outcomes-0-currency"] = {"es": "1.234,50", "pt-br": "1.234,50", "en": "1,234.50"}[lang], "USD"
    client.cookies["lang"] = lang
    assert client.post("/submit/", post).status_code == 302
    incident = Submission.objects.latest("pk").incident
    assert incident.affected_count == expected
    assert str(incident.outcomes.order_by("pk").first().amount) == "1234.50"


# --- the catalogues ------------------------------------------------------------

HTML_TEXT_ALLOWED = {"API", "CSV", "JSON", "Lines", "UTC", "HTTP", "SHA", "CSL", "RIS", "USD", "POST", "PDF"}


def _untranslated_text(source: str) -> list[str]:
    """Words a reader would see that are not inside a translation tag."""
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", source, flags=re.S)
    text = re.sub(r"{%\s*translate\s+.*?%}", " ", text)
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", text, flags=re.S)
    attributes = re.findall(r'(?:placeholder|aria-label|title|alt)="([^"]*)"', text)
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)  # paths and code are not prose
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(?<!\w)/\S+", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'’]+", " ".join([text, *attributes]))
    return [w for w in words if w not in HTML_TEXT_ALLOWED]


def test_no_public_template_has_text_outside_a_translation_tag():
    templates = [p for p in TEMPLATES.parent.rglob("*.html") if "desk" not in p.parts and "admin" not in p.parts]
    assert len(templates) > 30
    left = {str(p.relative_to(TEMPLATES.parent)): words for p in templates if (words := _untranslated_text(p.read_text()))}
    assert left == {}, f"Mark these for translation ({{% translate %}}): {left}"


@pytest.mark.parametrize("lang", ["es", "pt_BR"])
def test_every_message_is_translated_and_compiled(lang):
    catalogue = read_po(open(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po", "rb"))
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 400
    assert [m.id for m in messages if not m.string or (isinstance(m.string, tuple) and not all(m.string))] == []
    assert [m.id for m in messages if m.fuzzy] == []
    with translation.override(lang.lower().replace("_", "-")):
        for m in messages:
            if not isinstance(m.id, tuple) and not m.context:
                assert translation.gettext(m.id) == m.string, f"locale/{lang} .mo is out of date: run manage.py compilemessages"


def test_filter_chips_show_names_not_slugs(client, moderator):
    from tests.factories import SystemFactory

    SystemFactory(name="Clearview AI", slug="clearview-ai")
    publish_new(moderator, systems=["clearview-ai"], country="AR", outcomes=[{"type": "detained", "sources": [0]}])
    html = client.get("/incidents/?system=clearview-ai&country=AR&outcome=detained", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    chips = re.search(r'<ul class="active-filters".*?</ul>', html, re.S).group(0)
    assert "Sistema: Clearview AI" in chips and "País: Argentina" in chips and "Consecuencia: Privado de libertad" in chips
    assert "clearview-ai ✕" not in chips


def test_every_python_message_is_in_the_catalogues():
    """A string marked in Python but not extracted would be shown in English: run makemessages."""
    from babel.messages.extract import extract

    keywords = {"_": None, "gettext": None, "gettext_lazy": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
    marked = set()
    for package in ("incidents", "api"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            with open(path, "rb") as handle:
                marked |= {m[1] for m in extract("python", handle, keywords=keywords) if isinstance(m[1], str)}
    assert len(marked) > 150
    for lang in ("es", "pt_BR"):
        catalogue = read_po(open(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po", "rb"))
        known = {m.id for m in catalogue if m.id and not isinstance(m.id, tuple)}
        assert sorted(marked - known) == [], f"run makemessages and translate ({lang})"


def test_the_list_page_filters_by_several_systems_vendor_region_and_dates(client, moderator):
    from tests.factories import OrganizationFactory, SystemFactory

    idemia = OrganizationFactory(name="IDEMIA", slug="idemia", kind="vendor")
    SystemFactory(name="Clearview AI", slug="clearview-ai")
    SystemFactory(name="Face Plus", slug="face-plus", vendor=idemia)
    a = publish_new(moderator, title="Case A", systems=["clearview-ai"], region="Michigan", incident_date="2020-05-01")
    b = publish_new(moderator, title="Case B", systems=["face-plus"], region="Georgia", incident_date="2022-07-01")
    c = publish_new(moderator, title="Case C", region="Michigan", incident_date="2024-01-01")

    def shown(query):
        html = client.get(f"/incidents/?{query}").content.decode()
        return {r.public_id for r in (a, b, c) if f"/incidents/{r.public_id}/" in html}

    assert shown("system=clearview-ai&system=face-plus") == {a.public_id, b.public_id}
    assert shown("vendor=idemia") == {b.public_id}
    assert shown("region=Michigan") == {a.public_id, c.public_id}
    assert shown("incident_date_after=2021-01-01&incident_date_before=2023-01-01") == {b.public_id}
    html = client.get("/incidents/?system=clearview-ai&region=Michigan").content.decode()
    assert 'name="incident_date_after"' in html and '<input type="hidden" name="system" value="clearview-ai">' in html
    html = client.get("/incidents/").content.decode()
    assert "<summary>Vendor</summary>" in html and "IDEMIA" in html  # the vendor facet names the vendor


def test_a_missing_page_says_so_in_the_readers_language(client):
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="pt-br")
    assert page.status_code == 404 and "Página não encontrada" in page.content.decode()
