import pytest

# The database failing is the emulator losing its tables.
pytestmark = pytest.mark.dynamodb


def test_health_answers_ok_when_the_database_answers(api):
    reply = api.get("/api/health/")
    assert (reply.status, reply.body) == (200, {"status": "ok"})


def test_a_path_works_without_its_trailing_slash(api):
    assert api.get("/api/health").status == 200


def test_schema_is_an_openapi_3_1_document_listing_every_route(api):
    from app import app

    reply = api.get("/api/schema/")
    assert reply.status == 200
    assert reply.body["openapi"].startswith("3.1")
    documented = {
        (path.rstrip("/"), method.upper())
        for path, methods in reply.body["paths"].items()
        for method in methods
    }
    served = {
        (path, method)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if entry.view_name not in ("method_not_allowed", "answer_preflight")
    }
    # HEAD is answered by the GET operation of the same path (its document entry).
    heads = {(path, "HEAD") for path, method in documented if method == "GET"}
    assert heads <= served
    assert served - heads == documented


def test_schema_passes_the_openapi_validator(api):
    from openapi_spec_validator import validate

    validate(api.get("/api/schema/").body)


def test_health_is_503_with_retry_after_when_the_database_fails(api, emulator):
    emulator.reset()  # the tables are gone: the database answers nothing useful
    reply = api.get("/api/health/")
    assert reply.status == 503
    assert set(reply.body) == {"detail"}
    assert int(reply.headers["Retry-After"]) > 0


def test_health_needs_no_credentials_and_ignores_a_stale_cookie(api):
    reply = api.get("/api/health/", headers={"Cookie": "sessionid=1.stale"})
    assert (reply.status, reply.body) == (200, {"status": "ok"})


def test_the_schema_is_public(api):
    assert api.get("/api/schema").status == 200


def test_schema_documents_the_idempotency_key_of_checkout_and_order_creation(api):
    paths = api.get("/api/schema/").body["paths"]
    for path in ("/api/cart/checkout/", "/api/orders/"):
        headers = {p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path


def test_schema_documents_the_guest_cart_token_on_cart_endpoints(api):
    document = api.get("/api/schema/").body
    get_cart = document["paths"]["/api/cart/items/"]["get"]
    assert {"cartToken": []} in get_cart["security"]
    assert "X-Cart-Token" in {p["name"] for p in get_cart["parameters"]}
