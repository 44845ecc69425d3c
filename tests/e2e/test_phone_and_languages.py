"""At 360 px no page scrolls sideways, public or desk; the report → status → publish journey
works in Spanish and in Portuguese on a phone; the README's Spanish phone screenshot."""

import pytest
from django.contrib.auth import get_user_model

from incidents.domain import moderation
from incidents.models import Incident, Submission
from tests.e2e.conftest import desk_login
from tests.e2e.test_journey import SCREENSHOTS, seeded  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 740}


def _no_sideways_scroll(page, url):
    page.goto(url)
    wide = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate("""Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 361)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert wide <= 360, f"{url} is {wide} px wide: {culprits}"


def test_no_page_scrolls_sideways_at_360_px(seeded, live_server, new_page):  # noqa: F811
    base = live_server.url
    incident = Incident.objects.filter(status="published").first()
    pid = incident.public_id
    page = new_page(viewport=PHONE)
    for lang in ("en", "es"):
        page.context.add_cookies([{"name": "lang", "value": lang, "url": base}])
        for path in ["/", "/incidents/", "/incidents/?system=clearview-ai&country=US", f"/incidents/{pid}/", f"/incidents/{pid}/history/",
                     f"/incidents/{pid}/v/1/", f"/incidents/{pid}/correction/", "/systems/", "/systems/clearview-ai/",
                     "/organizations/detroit-police/", "/stats/", "/about/methods/", "/submit/", "/submissions/lost-link/", "/api/docs/"]:
            _no_sideways_scroll(page, base + path)
    # A form sent with errors, the thank-you page (with its long private link) and the status page.
    page.goto(f"{base}/submit/")
    page.get_by_role("button", name="Enviar el reporte").click()
    page.locator("#form-errors").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The desk at the same width.
    desk = new_page(viewport=PHONE)
    desk_login(desk, base)
    submission = _send_report(new_page(viewport=PHONE), base, "es")
    for path in ["/moderation/", f"/moderation/submissions/{submission.pk}/", "/moderation/requests/", "/moderation/deployments/",
                 "/moderation/partners/", "/moderation/tokens/"]:
        _no_sideways_scroll(desk, base + path)


def _send_report(page, base, lang):
    page.context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page.goto(f"{base}/submit/")
    words = {"es": ("Título breve", "Qué pasó", "Enviar el reporte", "Guarde este enlace privado", "Esperando a un moderador"),
             "pt-br": ("Título curto", "O que aconteceu", "Enviar o relato", "Guarde este link privado", "Aguardando um moderador")}[lang]
    title, narrative, send, keep, waiting = words
    page.get_by_label(title).fill(f"Repartidor detenido tras una búsqueda facial ({lang})")
    page.get_by_label(narrative, exact=True).fill("La policía pasó una imagen de una cámara por una búsqueda facial y detuvo al primer candidato.")
    page.locator("#country").select_option("AR")
    page.locator("#sources-0-url").fill(f"https://example.org/noticia-{lang}")
    page.locator("#sources-0-title").fill("Detenido por un error del sistema")
    page.locator("#outcomes-0-type").select_option("detained")
    page.locator("#outcomes-0-days").fill("6")
    page.locator("#affected-count").fill("1.000" if lang == "es" else "1")
    page.get_by_role("button", name=send).click()
    page.get_by_text(keep).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    status_url = page.locator("#status-link").get_attribute("href")
    page.goto(status_url)
    assert waiting in page.locator("#status").inner_text()
    page.status_url = status_url
    return Submission.objects.latest("pk")


@pytest.mark.parametrize("lang", ["es", "pt-br"])
def test_report_status_publish_journey_on_a_phone(seeded, live_server, new_page, lang):  # noqa: F811
    base = live_server.url
    phone = new_page(viewport=PHONE)
    # A report that is not sent: the summary takes focus and links to the field, which says why.
    phone.context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    phone.goto(f"{base}/submit/")
    phone.get_by_role("button", name={"es": "Enviar el reporte", "pt-br": "Enviar o relato"}[lang]).click()
    assert phone.evaluate("document.activeElement.id") == "form-errors"
    assert phone.locator("#title").get_attribute("aria-invalid") == "true"
    assert "title-error" in phone.locator("#title").get_attribute("aria-describedby")
    phone.locator("#form-errors a[href='#title']").click()
    assert phone.evaluate("location.hash") == "#title"

    submission = _send_report(phone, base, lang)
    if lang == "es":
        assert submission.incident.affected_count == 1000  # "1.000" read as a Spanish thousand
    moderator = get_user_model().objects.get(username="mod-e2e")
    moderation.claim(submission.incident, moderator)
    moderation.publish(submission.incident, moderator)
    phone.goto(phone.status_url)
    assert "Publicado" in phone.locator("#status").inner_text()
    public_id = Incident.objects.get(pk=submission.incident.pk).public_id
    phone.goto(f"{base}/incidents/{public_id}/")
    assert "Citar este registro" in phone.content() and "Argentina" in phone.content()
    assert {"es": "6 días", "pt-br": "6 dias"}[lang] in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_readme_screenshot_of_the_spanish_report_form_on_a_phone(live_server, new_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page.context.add_cookies([{"name": "lang", "value": "es", "url": live_server.url}])
    page.goto(f"{live_server.url}/submit/")
    page.get_by_text("Reportar una identificación errónea").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "report-form-es-phone.png"))
