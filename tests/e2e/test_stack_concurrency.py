"""Concurrent requests against the threaded local server.

Chalice keeps the request in one attribute, ``app.current_request``; a local server that
shares it between its threads lets one caller read another's request, credentials
included. These tests overlap many requests from different users and check that every
answer belongs to whoever asked.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.helpers import retried_while_busy

pytestmark = pytest.mark.e2e

USERS = 8
CLIENTS_PER_USER = 5
REQUESTS_PER_CLIENT = 5  # 8 x 5 x 5 = 200 overlapping requests
WHO_AM_I = ("/api/auth/user/", "/api/users/me/")

# Chalice sets the request and the view reads it back a few microseconds later, so a
# shared attribute mixes users up only when a thread switch lands in between. Chalice checks
# the Content-Type (still JSON here) in that gap, and a long list of empty parameters makes
# the check take milliseconds: that turns a rare mix-up into dozens per run on a server
# that shares the request, while a correct server answers every request as usual.
SLOW_TO_CHECK_JSON = "application/json" + ";" * 60_000


@pytest.fixture(scope="module")
def logged_in(stack) -> dict[str, dict[str, str]]:
    """Authentication headers by username, for users signed up through the API."""
    usernames = [f"caller{number}" for number in range(USERS)]
    for username in usernames:
        stack.signup(username)
    return {username: stack.login(username) for username in usernames}


@pytest.fixture
def clients(stack, logged_in) -> Iterator[list[tuple[str, requests.Session]]]:
    """Several keep-alive clients per user, each connected already: the server listens
    with a short queue (5), so a burst of new connections would be refused, not served."""
    clients = []
    for username in logged_in:
        for _ in range(CLIENTS_PER_USER):
            client = requests.Session()
            client.headers.update(logged_in[username])
            assert client.get(f"{stack.url}/api/health/", timeout=30).ok
            client.headers["Content-Type"] = SLOW_TO_CHECK_JSON
            clients.append((username, client))
    yield clients
    for _, client in clients:
        client.close()


def test_concurrent_requests_each_see_their_own_caller(stack, clients):
    start_together = threading.Barrier(len(clients))

    def ask_who_i_am(username: str, client: requests.Session) -> list[tuple[str, int, object]]:
        start_together.wait(timeout=60)
        answers = []
        for number in range(REQUESTS_PER_CLIENT):
            path = WHO_AM_I[number % len(WHO_AM_I)]
            url = f"{stack.url}{path}"
            response = retried_while_busy(lambda: client.get(url, timeout=60))  # noqa: B023
            answered = response.json().get("username") if response.ok else response.text
            answers.append((path, response.status_code, answered))
        return answers

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(lambda pair: ask_who_i_am(*pair), clients))

    callers = [username for username, _ in clients]
    wrong = [
        (username, *answer)
        for username, answers in zip(callers, results, strict=True)
        for answer in answers
        if answer[1:] != (200, username)
    ]
    assert sum(len(answers) for answers in results) == 200
    assert not wrong, f"{len(wrong)} of 200 answers were not for the caller: {wrong[:5]}"


def test_two_concurrent_signups_with_one_username_create_one_user(stack):
    start_together = threading.Barrier(2)

    def sign_up(email: str) -> requests.Response:
        body = {"username": "twin", "password": "correct-horse-9", "email": email}
        start_together.wait(timeout=30)
        return stack.post("/api/users/", body)

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(sign_up, ["twin.a@example.com", "twin.b@example.com"]))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 400], [response.text for response in responses]
    refused = next(response for response in responses if response.status_code == 400)
    assert "username" in refused.json()
