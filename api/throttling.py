"""The submission limit: per client address for anyone, per partner for its contributors.

A partner's contributors share one allowance (``partner_submissions``, 1,000 an hour by
default), and each item of a bulk submission counts as one submission, so a batch cannot
be used to get round the limit.
"""

from rest_framework.throttling import ScopedRateThrottle

from incidents.domain.partners import partner_of


class SubmissionThrottle(ScopedRateThrottle):
    partner_scope = "partner_submissions"

    def allow_request(self, request, view):
        partner = partner_of(request.user)
        if partner is None:
            return super().allow_request(request, view)
        self.scope = self.partner_scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": f"partner-{partner.pk}"}
        cost = max(1, getattr(view, "submission_count", lambda r: 1)(request))
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) + cost > self.num_requests:
            return self.throttle_failure()
        self.history[:0] = [self.now] * cost
        self.cache.set(self.key, self.history, self.duration)
        return True
