"""Records of the registry: systems, organisations, incidents, sources, outcomes,
submissions and the append-only histories.

The default managers are unfiltered because moderators need drafts; what the public
may see is decided by ``Incident.objects.public()`` alone.
"""

from .catalogue import NamedEntity, NamedQuerySet, Organization, System, unique_slug  # noqa: F401
from .claims import Claim, ClaimSource, OutcomeValue, Stance  # noqa: F401
from .deployments import Deployment, DeploymentEvent, DeploymentSource, Figure  # noqa: F401
from .history import HistoryQuerySet, IncidentVersion, ModerationEvent  # noqa: F401
from .incident import Incident, IncidentQuerySet, Outcome, ProposedName  # noqa: F401
from .intake import CorrectionRequest, Submission, hash_token, new_token  # noqa: F401
from .notices import Notice, StatusLink  # noqa: F401
from .partners import Contributor, Partner  # noqa: F401
from .public import PublicCount, PublicIdCounter, PublicRecord, PublicVersion  # noqa: F401
from .sources import IncidentSource, Source, SourceCapture  # noqa: F401
from .translations import Translation  # noqa: F401
