"""Public event contracts: the CloudEvents envelope and one versioned model per event type.

Outside systems subscribe to these events, so this package is a public API: add optional
fields freely; any other change is a new ``.v2`` type published beside ``.v1``.
"""
