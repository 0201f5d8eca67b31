"""CloudFront in front of the API: catalog reads are answered from the edge for as long as
the API's Cache-Control allows, keyed by exactly what changes the answer; everything else
passes through uncached with what the function needs."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.api.routing import OPERATIONS, is_catalog_read

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CATALOG_PATTERNS = ["/api/products*", "/api/categories*", "/api/ratings*"]
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}


def distribution(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = template["Resources"]["ApiDistribution"]["Properties"][
        "DistributionConfig"
    ]
    return config


def catalog_behaviours(template: dict[str, Any]) -> list[dict[str, Any]]:
    behaviours: list[dict[str, Any]] = distribution(template)["CacheBehaviors"]
    return behaviours


def catalog_cache_key(template: dict[str, Any]) -> dict[str, Any]:
    policy = template["Resources"]["ApiCatalogCachePolicy"]["Properties"]["CachePolicyConfig"]
    key: dict[str, Any] = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    return key


def catalog_query_parameters() -> set[str]:
    """Every query parameter a catalog read takes: the fields of its query schemas."""
    from chalicelib.schemas import queries, ratings

    models = (queries.ProductListQuery, queries.PageQuery, ratings.RatingListQuery)
    return {name for model in models for name in model.model_fields}


def test_the_origin_is_the_api_gateway_stage_over_https(template: dict[str, Any]) -> None:
    (origin,) = distribution(template)["Origins"]
    assert origin["DomainName"] == {
        "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    # The stage prefixes the origin's paths, so clients keep /api/... as with a domain.
    assert origin["OriginPath"] == {"Fn::Join": ["", ["/", {"Ref": "RestAPI.Stage"}]]}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


def test_everything_but_the_catalog_passes_through_uncached_with_the_whole_request(
    template: dict[str, Any],
) -> None:
    default = distribution(template)["DefaultCacheBehavior"]
    assert default["CachePolicyId"] == CACHING_DISABLED
    assert default["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert set(default["AllowedMethods"]) == ALL_METHODS
    assert default["ViewerProtocolPolicy"] == "https-only"


def test_catalog_paths_use_the_catalog_cache_policy_and_still_take_writes(
    template: dict[str, Any],
) -> None:
    behaviours = catalog_behaviours(template)
    assert [b["PathPattern"] for b in behaviours] == CATALOG_PATTERNS
    for behaviour in behaviours:
        assert behaviour["CachePolicyId"] == {"Ref": "ApiCatalogCachePolicy"}
        assert behaviour["OriginRequestPolicyId"] == {"Ref": "ApiCatalogOriginRequestPolicy"}
        assert set(behaviour["AllowedMethods"]) == ALL_METHODS
        assert set(behaviour["CachedMethods"]) == {"GET", "HEAD"}


def test_the_catalog_is_keyed_by_exactly_the_query_parameters_that_change_the_answer(
    template: dict[str, Any],
) -> None:
    queries = catalog_cache_key(template)["QueryStringsConfig"]
    assert queries["QueryStringBehavior"] == "whitelist"
    assert sorted(queries["QueryStrings"]) == sorted(catalog_query_parameters())


def test_no_cookie_or_credential_is_in_the_catalogs_key(template: dict[str, Any]) -> None:
    """Only Origin is: the answer's CORS headers echo it, and CloudFront ignores Vary."""
    key = catalog_cache_key(template)
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist", "Headers": ["Origin"]}


def test_the_catalog_follows_the_apis_cache_control(template: dict[str, Any]) -> None:
    """Min TTL 0: ``private, no-store`` (any authenticated or personal answer, any error)
    is never kept; without Cache-Control nothing is kept either."""
    policy = template["Resources"]["ApiCatalogCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert (policy["MinTTL"], policy["DefaultTTL"]) == (0, 0)
    for error in distribution(template)["CustomErrorResponses"]:
        assert error["ErrorCachingMinTTL"] == 0
    assert {e["ErrorCode"] for e in distribution(template)["CustomErrorResponses"]} >= {
        400,
        403,
        404,
        500,
        502,
        503,
        504,
    }


def test_catalog_answers_depend_on_their_key_alone(template: dict[str, Any]) -> None:
    """No other query string reaches the function (it would appear in next links), and
    Authorization cannot be forwarded by an origin request policy (CloudFront forwards
    it on POST, PUT, PATCH and DELETE itself)."""
    config = template["Resources"]["ApiCatalogOriginRequestPolicy"]["Properties"][
        "OriginRequestPolicyConfig"
    ]
    assert config["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    headers = {h.lower() for h in config["HeadersConfig"]["Headers"]}
    assert config["HeadersConfig"]["HeaderBehavior"] == "whitelist"
    assert not headers & {"authorization", "host", "origin"}
    assert {"content-type", "x-csrftoken", "x-cart-token", "idempotency-key"} <= headers


def _under_catalog_patterns(path: str) -> bool:
    return any(re.fullmatch(re.escape(p[:-1]) + ".*", path) for p in CATALOG_PATTERNS)


def test_every_read_under_the_catalog_paths_is_the_same_for_every_caller() -> None:
    """CloudFront matches paths, not callers: a read there that depended on who asks
    would have to be ``private, no-store`` (the API sends that for non-public reads)."""
    import app  # noqa: F401  (registers the routes)

    reads = [op for op in OPERATIONS if op.method == "GET" and _under_catalog_patterns(op.path)]
    assert len(reads) >= 5
    assert [op.path for op in reads if not is_catalog_read(op)] == []


def test_a_custom_domain_is_an_alias_of_the_distribution(template: dict[str, Any]) -> None:
    config = distribution(template)
    assert config["Aliases"] == {
        "Fn::If": ["HasApiDomain", [{"Ref": "ApiDomainName"}], {"Ref": "AWS::NoValue"}]
    }
    with_domain, without = config["ViewerCertificate"]["Fn::If"][1:]
    assert with_domain["AcmCertificateArn"] == {"Ref": "ApiCertificateArn"}
    assert with_domain["SslSupportMethod"] == "sni-only"
    assert without == {"CloudFrontDefaultCertificate": True}


def test_the_stack_outputs_the_apis_url_through_cloudfront(template: dict[str, Any]) -> None:
    value = template["Outputs"]["ApiUrl"]["Value"]["Fn::If"]
    assert value[1:] == [
        {"Fn::Sub": "https://${ApiDomainName}/api/"},
        {"Fn::Sub": "https://${ApiDistribution.DomainName}/api/"},
    ]


def test_the_rehearsal_leaves_the_distribution_and_its_policies_out(
    template: dict[str, Any],
) -> None:
    from deploy.emulator import fit_for_emulator

    _, skipped = fit_for_emulator(template)
    for name in ("ApiDistribution", "ApiCatalogCachePolicy", "ApiCatalogOriginRequestPolicy"):
        assert "not implemented" in skipped[name] or "left out" in skipped[name]
