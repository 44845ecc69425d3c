"""Settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_debug_off_and_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {"DEBUG": "0", "SECRET_KEY": "s" * 30 + "-a-long-random-test-secret-k3y-%^&", "ALLOWED_HOSTS": "registry.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_createmoderator_prints_a_token_that_authenticates(capsys):
    from api.models import ApiToken
    from incidents.domain.moderation import is_moderator

    call_command("createmoderator", "ada")
    token = capsys.readouterr().out.strip()
    user = ApiToken.find(token).user
    assert user.username == "ada" and is_moderator(user) and user.is_staff
    # Keys are stored only as hashes, so a second run cannot print the first key again: it
    # makes a second token; --rotate-token revokes the earlier ones.
    call_command("createmoderator", "ada")
    second = capsys.readouterr().out.strip()
    assert second != token and ApiToken.find(token) and ApiToken.find(second)
    call_command("createmoderator", "ada", "--rotate-token")
    third = capsys.readouterr().out.strip()
    assert ApiToken.find(token) is None and ApiToken.find(second) is None and ApiToken.find(third).user == user
