"""Moderator accounts that resist takeover (#13): lockout after a few wrong passwords (per
account and per client, at the desk and the admin), a second factor before the desk, the
admin or an API token, recovery codes, and tokens that cannot be guessed at."""

import io

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.factories import make_moderator, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password, path="/moderation/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def test_the_desk_locks_an_account_after_five_wrong_passwords(client, settings):
    make_moderator(username="ada")
    answers = [sign_in(client, "ada", f"wrong {n}", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(7)]
    assert answers[:4] == [200] * 4 and answers[4:] == [429, 429, 429]  # the fifth failure locks
    locked = sign_in(client, "ada", PASSWORD, REMOTE_ADDR="198.51.100.99")
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()
    call_command("axes_reset_username", "ada", stdout=io.StringIO())
    assert sign_in(client, "ada", PASSWORD).status_code == 302


def test_one_client_is_locked_out_across_accounts(client):
    for name in ("u1", "u2", "u3"):
        make_moderator(username=name)
    answers = [sign_in(client, f"u{n % 3 + 1}", "wrong", REMOTE_ADDR="203.0.113.5").status_code for n in range(7)]
    assert answers[4:] == [429, 429, 429]


def test_the_admin_login_goes_through_the_desk_and_its_lockout(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith("/moderation/login/")


def test_the_desk_asks_for_the_code_after_the_password(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code; the test retries at once
    moderator = make_moderator(username="ada")
    assert sign_in(client, "ada", PASSWORD)["Location"] == "/moderation/"
    gate = client.get("/moderation/")
    assert gate.status_code == 302 and gate["Location"].startswith("/moderation/second-factor/")
    assert client.get("/admin/").status_code == 302
    wrong = client.post("/moderation/second-factor/", {"code": "000000", "next": "/moderation/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    right = client.post("/moderation/second-factor/", {"code": totp_code(moderator), "next": "/moderation/"})
    assert right.status_code == 302 and client.get("/moderation/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client):
    moderator = make_moderator(username="ada")
    code = StaticToken.objects.filter(device__user=moderator).first().token
    sign_in(client, "ada", PASSWORD)
    assert client.post("/moderation/second-factor/", {"code": code}).status_code == 302
    client.logout()
    sign_in(client, "ada", PASSWORD)
    assert client.post("/moderation/second-factor/", {"code": code}).status_code == 400


def test_a_moderator_without_an_app_sets_one_up_and_gets_recovery_codes(client):
    moderator = make_moderator(username="newmod", mfa_device=False)
    sign_in(client, "newmod", PASSWORD)
    page = client.get("/moderation/second-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode() and "Set up a second factor" in page.content.decode()
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=moderator, confirmed=False)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    done = client.post("/moderation/second-factor/", {"code": code})
    assert done.status_code == 200 and done.content.decode().count("<li><code>") == 10
    assert client.get("/moderation/").status_code == 200


def test_an_api_token_needs_a_second_factor():
    moderator = make_moderator(username="tokenless", mfa_device=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(moderator)[1]}")
    response = api.get("/api/v1/moderation/submissions/")
    assert response.status_code == 401 and "second factor" in response.json()["error"]["message"]


def test_wrong_tokens_are_refused_after_the_limit(settings):
    settings.TOKEN_FAILURE_LIMIT = 5
    moderator = make_moderator()
    good = ApiToken.issue(moderator)[1]
    api = APIClient()
    answers = []
    for n in range(7):
        api.credentials(HTTP_AUTHORIZATION=f"Token {'0' * 39}{n}")
        answers.append(api.get("/api/v1/moderation/submissions/").status_code)
    assert answers == [401] * 5 + [429, 429]
    api.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert api.get("/api/v1/moderation/submissions/").status_code == 429  # even a right token, from this address, for now
    other = APIClient(REMOTE_ADDR="192.0.2.10")
    other.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert other.get("/api/v1/moderation/submissions/").status_code == 200


def test_createmoderator_sets_up_the_second_factor():
    err = io.StringIO()
    call_command("createmoderator", "grace", "--password", "a long and unusual passphrase", stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "otpauth://totp/" in text and "recovery codes:" in text
