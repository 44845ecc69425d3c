from django.core.management.base import BaseCommand, CommandError

from ...models import ApiToken


class Command(BaseCommand):
    help = "List API tokens (name, first characters, state, expiry, last use) or revoke them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "revoke"])
        parser.add_argument("prefix", nargs="?", help="revoke: the first characters of the token, as `list` shows them.")
        parser.add_argument("--user", help="Only this user's tokens; with revoke and no prefix, revoke all of them.")

    def handle(self, action, prefix, user, **options):
        tokens = ApiToken.objects.select_related("user")
        if user:
            tokens = tokens.filter(user__username=user)
        if action == "list":
            for t in tokens:
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                self.stdout.write(f"{t.prefix}  {t.user.get_username():<16} {t.state:<8} expires {t.expires_at:%Y-%m-%d}  last used {used}  {t.name}")
            return
        if prefix:
            tokens = tokens.filter(prefix=prefix)
        elif not user:
            raise CommandError("Say which token to revoke (its first characters, from `api_tokens list`) or --user NAME for all of one user's.")
        active = list(tokens.active())
        if not active:
            raise CommandError("No active token matches; `api_tokens list` shows them.")
        for token in active:
            token.revoke()
        self.stdout.write(self.style.SUCCESS(f"Revoked {len(active)} token(s)."))
