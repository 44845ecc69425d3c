from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import ApiToken

from ...domain import partners
from .createmoderator import set_checked_password


class Command(BaseCommand):
    help = ("Create or update a partner's contributor account and print a new API token for it (Authorization: Token <token>; "
            "shown only now, expires after API_TOKEN_DAYS days). The partner is created if it does not exist.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organization", required=True, help="The partner organisation's name.")
        parser.add_argument("--website", default="")
        parser.add_argument("--credit-line", default=None, help='Public credit, shown as "Reported by <credit line>" (default: the name).')
        credit = parser.add_mutually_exclusive_group()
        credit.add_argument("--public-credit", dest="public_credit", action="store_true", default=None,
                            help="The partner asks for public credit on the records it sends.")
        credit.add_argument("--no-public-credit", dest="public_credit", action="store_false",
                            help="No public credit; withdraws it from every record that has it.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="A password for the contributor's page (omit to keep, or none for a new account).")
        parser.add_argument("--token-days", type=int, default=None)

    def handle(self, username, organization, website, credit_line, public_credit, email, password, token_days=None, **options):
        try:
            partner, partner_created = partners.save_partner(organization, website=website, credit_line=credit_line, public_credit=public_credit)
            user, created = partners.contributor_account(username, partner, email=email)
        except ValidationError as exc:
            raise CommandError(" ".join(m for ms in exc.message_dict.values() for m in ms) if hasattr(exc, "error_dict") else " ".join(exc.messages)) from None
        if password:
            set_checked_password(user, password)
            user.save()
        token, key = ApiToken.issue(user, f"contributor token made on {timezone.now():%Y-%m-%d}", token_days)
        self.stderr.write(f"{'Created' if partner_created else 'Using'} partner {partner.name} ({partner.slug}); public credit "
                          f"{'on: ' + repr(partner.credited_as) if partner.public_credit else 'off'}.")
        self.stderr.write(f"{'Created' if created else 'Updated'} contributor {username}. API token {token.prefix}… expires "
                          f"{token.expires_at:%Y-%m-%d}; submit with POST /api/v1/submissions/ or /api/v1/submissions/bulk/.")
        self.stdout.write(key)
