"""`vpclint diff`: the network change of a pull request.

Two versions of the templates (vpclint.diff.versions: paths on disk, or the old ones from git)
are built the way `check` builds them; the reachability matrix of each is compared, and every
path opened or closed is explained by the entries of the templates that made the difference
(vpclint.diff.changes, vpclint.diff.evidence); findings added and fixed are matched by rule,
stack, resource and message. vpclint.diff.render prints the result.
"""
