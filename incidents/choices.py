"""Enumerations of the registry. Values are the lower-case strings the API and exports use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Technology(models.TextChoices):
    FACE = "face", _("Face")
    IRIS = "iris", _("Iris")
    FINGERPRINT = "fingerprint", _("Fingerprint")
    IDENTITY_DATABASE = "identity_database", _("Identity database")
    OTHER = "other", _("Other")


class IdentificationMode(models.TextChoices):
    INVESTIGATIVE_SEARCH = "investigative_search", _("Investigative search (1:N, a lead)")
    LIVE_SEARCH = "live_search", _("Live search (1:N, real time)")
    VERIFICATION = "verification", _("Verification (1:1)")
    RECORD_LOOKUP = "record_lookup", _("Database record lookup")
    UNKNOWN = "unknown", _("Unknown")


class ErrorType(models.TextChoices):
    FALSE_MATCH = "false_match", _("False match")
    FALSE_NON_MATCH = "false_non_match", _("False non-match")
    WRONG_RECORD = "wrong_record", _("Wrong database record")
    OUTDATED_REFERENCE = "outdated_reference", _("Outdated reference photo")
    OTHER = "other", _("Other")


class ContributingFactor(models.TextChoices):
    LOW_QUALITY_PROBE = "low_quality_probe", _("Low-quality probe image")
    OUTDATED_REFERENCE_PHOTO = "outdated_reference_photo", _("Outdated reference photo")
    OVER_RELIANCE = "over_reliance", _("Investigator over-reliance on a candidate list")
    NO_CORROBORATION = "no_corroboration", _("No corroborating evidence sought")
    FAILED_LIVENESS = "failed_liveness", _("Failed liveness check")
    DATABASE_ENTRY_ERROR = "database_entry_error", _("Database entry error")
    DEMOGRAPHIC_DIFFERENTIAL = "demographic_differential", _("Lower accuracy for some groups")
    SUGGESTIVE_LINEUP = "suggestive_lineup", _("Suggestive photo line-up after the match")
    OTHER = "other", _("Other")


class ReferenceDatabase(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    DRIVERS_LICENCE = "drivers_licence", _("Driver's licence photos")
    MUGSHOTS = "mugshots", _("Mugshots")
    IMMIGRATION_BIOMETRICS = "immigration_biometrics", _("Immigration biometrics")
    FUGITIVES_LIST = "fugitives_list", _("Fugitives or wanted list")
    WATCHLIST = "watchlist", _("Private watch-list")
    TRAVEL_DOCUMENTS = "travel_documents", _("Travel or identity documents")
    SCRAPED_IMAGES = "scraped_images", _("Images scraped from the web")
    OTHER = "other", _("Other")


# The databases a deployment can be said to search (a list of them, so no "unknown" entry).
SEARCHED_DATABASES = [choice for choice in ReferenceDatabase.choices if choice[0]]


class OrganizationKind(models.TextChoices):
    VENDOR = "vendor", _("Vendor")
    POLICE = "police", _("Police department")
    FEDERAL_AGENCY = "federal_agency", _("Federal or national agency")
    CITY_GOVERNMENT = "city_government", _("City or regional government")
    RETAILER = "retailer", _("Retailer or private venue")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class SourceType(models.TextChoices):
    NEWS = "news", _("News")
    COURT_RECORD = "court_record", _("Court record")
    GOVERNMENT_DOCUMENT = "government_document", _("Government document")
    NGO_REPORT = "ngo_report", _("NGO report")
    REGULATOR_ACTION = "regulator_action", _("Regulator action")
    ACADEMIC = "academic", _("Academic")
    PERSONAL_TESTIMONY = "personal_testimony", _("Personal testimony")
    OFFICIAL_RESPONSE = "official_response", _("Operator's or vendor's response")
    OTHER = "other", _("Other")


class OutcomeType(models.TextChoices):
    STOPPED = "stopped", _("Stopped")
    QUESTIONED = "questioned", _("Questioned")
    ARRESTED = "arrested", _("Arrested")
    DETAINED = "detained", _("Detained")
    CHARGED = "charged", _("Charged")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    CHARGES_NEVER_FILED = "charges_never_filed", _("Charges never filed")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DEPORTED = "deported", _("Deported")
    DENIED_ENTRY = "denied_entry", _("Denied entry")
    DENIED_SERVICE = "denied_service", _("Denied service")
    BANNED = "banned", _("Banned")
    LAWSUIT_FILED = "lawsuit_filed", _("Lawsuit filed")
    SETTLEMENT = "settlement", _("Settlement")
    JUDGMENT = "judgment", _("Judgment")
    APOLOGY = "apology", _("Apology")
    POLICY_CHANGE = "policy_change", _("Policy change")
    OTHER = "other", _("Other")


class SubmitterRole(models.TextChoices):
    AFFECTED_PERSON = "affected_person", _("The affected person")
    FAMILY_MEMBER = "family_member", _("A family member")
    LAWYER = "lawyer", _("Lawyer")
    JOURNALIST = "journalist", _("Journalist")
    RESEARCHER = "researcher", _("Researcher")
    ADVOCATE = "advocate", _("Advocate")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """Where a record stands. The moderation service alone moves between these."""

    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")


# Named groups, so code never spells out lists of states.
OPEN_STATES = (Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED)
PUBLIC_STATE = Status.PUBLISHED
# States that hold a public id (given at first publication, kept for ever).
IDENTIFIED_STATES = (Status.PUBLISHED, Status.WITHDRAWN, Status.MERGED)


class ProposalKind(models.TextChoices):
    SYSTEM = "system", "System"
    OPERATOR = "operator", "Operator"


class Action(models.TextChoices):
    """What a history row records."""

    SUBMIT = "submit", "Submitted"
    CLAIM = "claim", "Claimed for review"
    RELEASE = "release", "Released back to the queue"
    REQUEST_CHANGES = "request_changes", "Changes requested"
    ANSWER = "answer", "Submitter answered"
    PUBLISH = "publish", "Published"
    REJECT = "reject", "Rejected"
    WITHDRAW = "withdraw", "Withdrawn"
    MERGE = "merge", "Merged into another incident"
    ABSORB = "absorb", "Absorbed a duplicate"
    CORRECT = "correct", "Corrected"
    REDACT = "redact", "Personal details removed"
    DECLINE_REQUEST = "decline_request", "Correction request declined"
    IMPORT = "import", "Imported"
    EDIT = "edit", "Edited draft"
    CLEAR_CONTACT = "clear_contact", "Contact details cleared"
    WITHDRAW_CREDIT = "withdraw_credit", "Partner credit withdrawn"
    RESTORE_CREDIT = "restore_credit", "Partner credit restored"
    TRANSLATE = "translate", "Translation added or changed"
    REMOVE_TRANSLATION = "remove_translation", "Translation removed"


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correct something in the record")
    REMOVAL = "removal", _("Remove a person's name or identifying details")


class RequestState(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class PreservationStatus(models.TextChoices):
    PRESERVED = "preserved", _("Preserved copy")
    CHANGED = "changed", _("Changed since preserved")
    DEAD = "dead", _("Link dead")


class DeploymentKind(models.TextChoices):
    OPERATIONAL = "operational", _("In use")
    PILOT = "pilot", _("Pilot or trial")
    TEST = "test", _("Test or evaluation")


class FigureKind(models.TextChoices):
    USAGE = "usage", _("How often it is used")
    PERFORMANCE = "performance", _("How well it performs")


class FigureProvenance(models.TextChoices):
    OPERATOR = "operator", _("The operator's own figure")
    INDEPENDENT_TEST = "independent_test", _("An independent test")
    COURT_FINDING = "court_finding", _("A court finding")
    AUDIT = "audit", _("An official audit or inspection")
    REPORTING = "reporting", _("Reporting (no primary document)")


class FigureQualifier(models.TextChoices):
    EXACTLY = "exactly", _("exactly")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")
    AT_MOST = "at_most", _("at most")


class DeploymentAction(models.TextChoices):
    SUBMIT = "submit", "Submitted"
    PUBLISH = "publish", "Published"
    REJECT = "reject", "Rejected"
    CORRECT = "correct", "Corrected"
    WITHDRAW = "withdraw", "Withdrawn"
    IMPORT = "import", "Imported"
