"""Images and ratings over real HTTP, against a stack started as `make run` starts it: an
upload can be opened from the URL it returns, and concurrent ratings keep the average
exact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sample_images import image_bytes

from tests.helpers import retried_while_busy

pytestmark = pytest.mark.e2e

RATERS = 10


@pytest.fixture(scope="module")
def jackets(stack) -> dict[str, Any]:
    categories = stack.get("/api/categories/").json()
    return next(category for category in categories if category["name"] == "Jackets")


def test_an_uploaded_image_opens_from_the_returned_url(stack, demo_staff, jackets):
    content = image_bytes("PNG", size=(16, 16))
    response = stack.request(
        "POST",
        "/api/products/",
        headers=demo_staff,
        data={"name": "Pictured", "price": "10.00", "category": str(jackets["id"])},
        files={"image": ("cowsorus.png", content, "image/png")},
    )

    assert response.status_code == 201, response.text
    image = requests.get(response.json()["image"], timeout=10)
    assert (image.status_code, image.headers["Content-Type"]) == (200, "image/png")
    assert image.content == content


def test_many_users_rating_one_product_at_once_leave_an_exact_average(stack, demo_staff, jackets):
    product = stack.post(
        "/api/products/", {"name": "Rated", "price": "5.00", "category": jackets["id"]},
        headers=demo_staff,
    ).json()  # fmt: skip
    raters = []
    for number in range(RATERS):
        stack.signup(f"rater{number}")
        raters.append(stack.login(f"rater{number}"))
    values = [number % 5 + 1 for number in range(RATERS)]

    def rate(headers: dict[str, str], value: int) -> int:
        path = f"/api/products/{product['id']}/rate/"
        return retried_while_busy(
            lambda: stack.post(path, {"rating": value}, headers=headers)
        ).status_code

    with ThreadPoolExecutor(max_workers=RATERS) as pool:
        statuses = list(pool.map(rate, raters, values))

    assert statuses == [201] * RATERS
    served = stack.get(f"/api/products/{product['id']}/").json()
    assert served["rating_count"] == RATERS
    assert served["average_rating"] == round(sum(values) / RATERS, 2)
