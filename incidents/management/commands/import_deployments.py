import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...domain.moderation import is_moderator
from ...interchange import atlas


class Command(BaseCommand):
    help = ("Import deployments from a CSV in the Atlas of Surveillance's shape (Agency, City, State, Technology, Vendor, Link 1 …), "
            "all or nothing, published on a moderator's authority. See README, \"Deployments\".")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--as", dest="moderator", required=True, help="The moderator's username: the import is theirs in the history.")
        parser.add_argument("--map", dest="mapping", help="A JSON file mapping agencies to organizations, vendors to systems, technologies.")
        parser.add_argument("--country", default="US", help="ISO code of the rows' country (the Atlas covers the US).")

    def handle(self, path, moderator, mapping, country, **options):
        user = get_user_model().objects.filter(username=moderator).first()
        if not is_moderator(user):
            raise CommandError(f"{moderator!r} is not a moderator; create one with manage.py createmoderator.")
        try:
            decisions = json.loads(open(mapping, encoding="utf-8").read()) if mapping else {}
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the mapping {mapping}: {exc}") from None
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        try:
            rows, skipped = atlas.parse(text, decisions, country=country.upper())
        except atlas.AtlasError as exc:
            raise CommandError(f"Nothing was imported. {path}, {exc} Fix that row (or the mapping) and run the import again.") from None
        ids = atlas.import_rows(rows, user, decisions)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(ids)} deployments; skipped {skipped} rows of technologies outside the registry."))
