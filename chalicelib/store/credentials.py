"""Building botocore clients now and looking their credentials up when they first sign.

botocore resolves credentials when a client is created. Ahead of a SnapStart snapshot
that is wrong twice over: on SnapStart, Lambda serves credentials from the container
credentials endpoint, so creating the client would be a network call; and the
credentials it returns expire, yet would be baked into the snapshot that every restored
container shares. Clients built by ``build_clients_with_deferred_credentials`` hold a
``CredentialsOnFirstUse`` instead, which runs the session's usual lookup chain the first
time a request is signed (after the restore) and then defers to what it found: refreshable
credentials, such as the container provider's, keep refreshing themselves.
"""

from __future__ import annotations

import threading
from typing import Any

from botocore.credentials import Credentials
from botocore.exceptions import NoCredentialsError
from pynamodb.connection import Connection


class CredentialsOnFirstUse(Credentials):
    """botocore signs with ``get_frozen_credentials()`` and reads the account id (for
    account-based endpoints) through ``get_deferred_property``, both when a request is
    made; either looks the credentials up on first use."""

    method = "on-first-use"

    def __init__(self, resolver: Any) -> None:
        # Credentials.__init__ is skipped on purpose: there is nothing to hold yet.
        self._resolver = resolver
        self._found: Any = None
        self._lock = threading.Lock()

    @property
    def looked_up(self) -> bool:
        return self._found is not None

    def _credentials(self) -> Any:
        with self._lock:
            if self._found is None:
                found = self._resolver.load_credentials()
                if found is None:
                    raise NoCredentialsError()
                self._found = found  # a failed lookup is tried again on the next request
            return self._found

    @property
    def access_key(self) -> str:
        return str(self._credentials().access_key)

    @property
    def secret_key(self) -> str:
        return str(self._credentials().secret_key)

    @property
    def token(self) -> str | None:
        return self._credentials().token

    @property
    def account_id(self) -> str | None:
        return getattr(self._credentials(), "account_id", None)

    def get_frozen_credentials(self) -> Any:
        return self._credentials().get_frozen_credentials()


class _SharedCredentials:
    """A session's credential provider that hands out the one object it was given."""

    def __init__(self, credentials: CredentialsOnFirstUse) -> None:
        self._credentials = credentials

    def load_credentials(self) -> CredentialsOnFirstUse:
        return self._credentials


def build_clients_with_deferred_credentials(connections: list[Connection]) -> list[Any]:
    """The connections' botocore clients, built now, sharing one ``CredentialsOnFirstUse``:
    the first request after the restore looks credentials up once, for all of them.

    PynamoDB builds a connection's client from ``connection.session`` (one per thread;
    Lambda initialises the function and serves its requests on one thread) and keeps it.
    """
    if not connections:
        return []
    chain = connections[0].session.get_component("credential_provider")
    provider = _SharedCredentials(CredentialsOnFirstUse(chain))
    for connection in connections:
        connection.session.register_component("credential_provider", provider)
    return [connection.client for connection in connections]
