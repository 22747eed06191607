"""The use-case kernel every service builds on (see docs/kernel.md).

- :mod:`.states`: one state machine as data (transitions, allowed actions, the change taken);
- :mod:`.errors`: the refusals a domain or use case raises, mapped to HTTP in one place
  (:mod:`epurchasing_shared.http.problems`);
- :mod:`.unit_of_work`: what a use case writes besides its aggregate (outbox events, history,
  documents, idempotent responses), behind one interface with a SQL and an in-memory side;
- :mod:`.actions`: the one frame of an actor's action (replay, act, remember).

``states`` and ``errors`` are pure (standard library only): domain layers may import them.
"""
