"""Enumerations of the registry. Values are the lower-case strings the API and exports use."""

from django.db import models


class Technology(models.TextChoices):
    FACE = "face", "Face"
    IRIS = "iris", "Iris"
    FINGERPRINT = "fingerprint", "Fingerprint"
    IDENTITY_DATABASE = "identity_database", "Identity database"
    OTHER = "other", "Other"


class IdentificationMode(models.TextChoices):
    INVESTIGATIVE_SEARCH = "investigative_search", "Investigative search (1:N, a lead)"
    LIVE_SEARCH = "live_search", "Live search (1:N, real time)"
    VERIFICATION = "verification", "Verification (1:1)"
    RECORD_LOOKUP = "record_lookup", "Database record lookup"
    UNKNOWN = "unknown", "Unknown"


class ErrorType(models.TextChoices):
    FALSE_MATCH = "false_match", "False match"
    FALSE_NON_MATCH = "false_non_match", "False non-match"
    WRONG_RECORD = "wrong_record", "Wrong database record"
    OUTDATED_REFERENCE = "outdated_reference", "Outdated reference photo"
    OTHER = "other", "Other"


class ContributingFactor(models.TextChoices):
    LOW_QUALITY_PROBE = "low_quality_probe", "Low-quality probe image"
    OUTDATED_REFERENCE_PHOTO = "outdated_reference_photo", "Outdated reference photo"
    OVER_RELIANCE = "over_reliance", "Investigator over-reliance on a candidate list"
    NO_CORROBORATION = "no_corroboration", "No corroborating evidence sought"
    FAILED_LIVENESS = "failed_liveness", "Failed liveness check"
    DATABASE_ENTRY_ERROR = "database_entry_error", "Database entry error"
    DEMOGRAPHIC_DIFFERENTIAL = "demographic_differential", "Lower accuracy for some groups"
    SUGGESTIVE_LINEUP = "suggestive_lineup", "Suggestive photo line-up after the match"
    OTHER = "other", "Other"


class ReferenceDatabase(models.TextChoices):
    UNKNOWN = "", "Unknown"
    DRIVERS_LICENCE = "drivers_licence", "Driver's licence photos"
    MUGSHOTS = "mugshots", "Mugshots"
    IMMIGRATION_BIOMETRICS = "immigration_biometrics", "Immigration biometrics"
    FUGITIVES_LIST = "fugitives_list", "Fugitives or wanted list"
    WATCHLIST = "watchlist", "Private watch-list"
    TRAVEL_DOCUMENTS = "travel_documents", "Travel or identity documents"
    SCRAPED_IMAGES = "scraped_images", "Images scraped from the web"
    OTHER = "other", "Other"


# The databases a deployment can be said to search (a list of them, so no "unknown" entry).
SEARCHED_DATABASES = [choice for choice in ReferenceDatabase.choices if choice[0]]


class OrganizationKind(models.TextChoices):
    VENDOR = "vendor", "Vendor"
    POLICE = "police", "Police department"
    FEDERAL_AGENCY = "federal_agency", "Federal or national agency"
    CITY_GOVERNMENT = "city_government", "City or regional government"
    RETAILER = "retailer", "Retailer or private venue"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class SourceType(models.TextChoices):
    NEWS = "news", "News"
    COURT_RECORD = "court_record", "Court record"
    GOVERNMENT_DOCUMENT = "government_document", "Government document"
    NGO_REPORT = "ngo_report", "NGO report"
    REGULATOR_ACTION = "regulator_action", "Regulator action"
    ACADEMIC = "academic", "Academic"
    PERSONAL_TESTIMONY = "personal_testimony", "Personal testimony"
    OFFICIAL_RESPONSE = "official_response", "Operator's or vendor's response"
    OTHER = "other", "Other"


class OutcomeType(models.TextChoices):
    STOPPED = "stopped", "Stopped"
    QUESTIONED = "questioned", "Questioned"
    ARRESTED = "arrested", "Arrested"
    DETAINED = "detained", "Detained"
    CHARGED = "charged", "Charged"
    CHARGES_DROPPED = "charges_dropped", "Charges dropped"
    CHARGES_NEVER_FILED = "charges_never_filed", "Charges never filed"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    DEPORTED = "deported", "Deported"
    DENIED_ENTRY = "denied_entry", "Denied entry"
    DENIED_SERVICE = "denied_service", "Denied service"
    BANNED = "banned", "Banned"
    LAWSUIT_FILED = "lawsuit_filed", "Lawsuit filed"
    SETTLEMENT = "settlement", "Settlement"
    JUDGMENT = "judgment", "Judgment"
    APOLOGY = "apology", "Apology"
    POLICY_CHANGE = "policy_change", "Policy change"
    OTHER = "other", "Other"


class SubmitterRole(models.TextChoices):
    AFFECTED_PERSON = "affected_person", "The affected person"
    FAMILY_MEMBER = "family_member", "A family member"
    LAWYER = "lawyer", "Lawyer"
    JOURNALIST = "journalist", "Journalist"
    RESEARCHER = "researcher", "Researcher"
    ADVOCATE = "advocate", "Advocate"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    """Where a record stands. The moderation service alone moves between these."""

    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged"


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


class RequestKind(models.TextChoices):
    CORRECTION = "correction", "Correct something in the record"
    REMOVAL = "removal", "Remove a person's name or identifying details"


class RequestState(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class PreservationStatus(models.TextChoices):
    PRESERVED = "preserved", "Preserved copy"
    CHANGED = "changed", "Changed since preserved"
    DEAD = "dead", "Link dead"


class DeploymentKind(models.TextChoices):
    OPERATIONAL = "operational", "In use"
    PILOT = "pilot", "Pilot or trial"
    TEST = "test", "Test or evaluation"


class FigureKind(models.TextChoices):
    USAGE = "usage", "How often it is used"
    PERFORMANCE = "performance", "How well it performs"


class FigureProvenance(models.TextChoices):
    OPERATOR = "operator", "The operator's own figure"
    INDEPENDENT_TEST = "independent_test", "An independent test"
    COURT_FINDING = "court_finding", "A court finding"
    AUDIT = "audit", "An official audit or inspection"
    REPORTING = "reporting", "Reporting (no primary document)"


class FigureQualifier(models.TextChoices):
    EXACTLY = "exactly", "exactly"
    AT_LEAST = "at_least", "at least"
    ABOUT = "about", "about"
    AT_MOST = "at_most", "at most"


class DeploymentAction(models.TextChoices):
    SUBMIT = "submit", "Submitted"
    PUBLISH = "publish", "Published"
    REJECT = "reject", "Rejected"
    CORRECT = "correct", "Corrected"
    WITHDRAW = "withdraw", "Withdrawn"
    IMPORT = "import", "Imported"
