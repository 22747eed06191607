"""The rating service's domain: ratings, the rating scheme, scorecards, blacklist entries."""
