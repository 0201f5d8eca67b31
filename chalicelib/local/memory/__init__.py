"""The in-memory store: the same repositories as ``chalicelib.store`` over Python dicts,
for the fast tests of the service rules (``services.storage.using_store(IN_MEMORY)``).

Each module mirrors the DynamoDB store's module of the same name: the functions the use
cases call, with the same signatures, values and errors, held to the same behaviour by
the repository contract suite (``tests/contract/``) run against both. ``core`` holds the
tables, the lock that makes each call atomic, and the faults a test can plan at any step.
Not part of the deployment (``chalicelib/local`` is left out of the zip).
"""
