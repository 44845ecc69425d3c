"""API tokens with a name, an expiry, a last use, and revocation from the desk and a command (#13)."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.factories import make_moderator

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/moderation/submissions/"


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_as_a_hash_and_records_its_last_use(moderator):
    token, key = ApiToken.issue(moderator, "script")
    assert key not in (token.key_hash, token.prefix) and token.prefix == key[:8]
    assert token.last_used_at is None
    assert api(key).get(QUEUE).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_expired_or_revoked_token_is_refused(moderator):
    expired, old_key = ApiToken.issue(moderator, "old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(old_key).get(QUEUE).status_code == 401
    revoked, key = ApiToken.issue(moderator, "revoked")
    revoked.revoke()
    response = api(key).get(QUEUE)
    assert response.status_code == 401 and "revoked" in response.json()["error"]["message"]


def test_the_desk_makes_lists_and_revokes_tokens(client, moderator):
    client.force_login(moderator)
    page = client.post("/moderation/tokens/", {"action": "create", "name": "partner import", "days": "30"}).content.decode()
    token = ApiToken.objects.get(user=moderator, name="partner import")
    key = page.split('id="new-token">')[1].split("<")[0]
    assert ApiToken.find(key) == token and (token.expires_at - timezone.now()).days in (29, 30)
    assert "partner import" in client.get("/moderation/tokens/").content.decode()
    assert key not in client.get("/moderation/tokens/").content.decode()  # shown once
    refused = client.post("/moderation/tokens/", {"action": "create", "name": "forever", "days": "5000"}, follow=True)
    assert "from 1 to 365 days" in refused.content.decode() and not ApiToken.objects.filter(name="forever").exists()
    client.post("/moderation/tokens/", {"action": "revoke", "token": token.pk})
    assert ApiToken.find(key) is None


def test_a_moderator_cannot_revoke_another_moderators_token(client, moderator):
    other = make_moderator(username="other")
    token, key = ApiToken.issue(other, "theirs")
    client.force_login(moderator)
    client.post("/moderation/tokens/", {"action": "revoke", "token": token.pk})
    assert ApiToken.find(key) == token


def test_the_tokens_page_needs_the_second_factor(client):
    moderator = make_moderator(username="halfway", mfa_device=False)
    client.force_login(moderator)
    assert client.get("/moderation/tokens/")["Location"].startswith("/moderation/second-factor/")


def test_the_command_lists_and_revokes(moderator):
    token, key = ApiToken.issue(moderator, "laptop script")
    out = io.StringIO()
    call_command("api_tokens", "list", stdout=out)
    assert token.prefix in out.getvalue() and "laptop script" in out.getvalue() and "active" in out.getvalue() and key not in out.getvalue()
    call_command("api_tokens", "revoke", token.prefix, stdout=io.StringIO())
    assert ApiToken.find(key) is None
    with pytest.raises(CommandError, match="No active token"):
        call_command("api_tokens", "revoke", token.prefix, stdout=io.StringIO())


def test_a_key_never_starts_with_a_dash_so_its_prefix_can_be_typed(monkeypatch):
    from api import models

    drawn = iter(["-abc" + "x" * 39, "_abc" + "x" * 39, "Kabc" + "x" * 39])
    monkeypatch.setattr(models.secrets, "token_urlsafe", lambda n: next(drawn))
    assert models.new_key().startswith("K")
