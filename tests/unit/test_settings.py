"""Settings read from the environment."""

from __future__ import annotations

import pytest

from chalicelib.config import settings_from_environment


def test_the_stage_is_local_when_unset() -> None:
    assert settings_from_environment({}).stage == "local"


def test_the_table_prefix_defaults_to_one_per_stage() -> None:
    settings = settings_from_environment({"STAGE": "prod"})

    assert settings.table_name("products") == "shop-prod-products"


def test_the_media_bucket_defaults_to_one_per_stage() -> None:
    assert settings_from_environment({"STAGE": "dev"}).media_bucket == "shop-dev-media"


def test_a_configured_table_prefix_and_bucket_win_over_the_defaults() -> None:
    settings = settings_from_environment(
        {"STAGE": "prod", "TABLE_PREFIX": "acme-", "MEDIA_BUCKET": "acme-media"}
    )

    assert (settings.table_name("users"), settings.media_bucket) == ("acme-users", "acme-media")


def test_passwords_take_600000_iterations_by_default() -> None:
    assert settings_from_environment({"STAGE": "prod"}).password_iterations == 600_000


@pytest.mark.parametrize("stage", ["dev", "prod", "staging"])
def test_fewer_password_iterations_are_refused_outside_local_stages(stage: str) -> None:
    with pytest.raises(ValueError, match="PASSWORD_ITERATIONS"):
        settings_from_environment({"STAGE": stage, "PASSWORD_ITERATIONS": "599999"})


@pytest.mark.parametrize("stage", ["local", "test"])
def test_fewer_password_iterations_are_allowed_in_local_stages(stage: str) -> None:
    settings = settings_from_environment({"STAGE": stage, "PASSWORD_ITERATIONS": "1000"})

    assert settings.password_iterations == 1000


def test_more_password_iterations_are_allowed_everywhere() -> None:
    settings = settings_from_environment({"STAGE": "prod", "PASSWORD_ITERATIONS": "1200000"})

    assert settings.password_iterations == 1_200_000


def test_cors_origins_are_split_on_commas_and_trimmed() -> None:
    settings = settings_from_environment(
        {"CORS_ALLOWED_ORIGINS": " https://shop.example.com ,https://m.example.com,, "}
    )

    assert settings.cors_allowed_origins == ("https://shop.example.com", "https://m.example.com")


def test_no_cors_origins_are_allowed_unless_configured() -> None:
    assert settings_from_environment({"STAGE": "prod"}).cors_allowed_origins == ()


def test_cookies_are_secure_outside_local_stages() -> None:
    assert settings_from_environment({"STAGE": "prod"}).secure_cookies
    assert not settings_from_environment({"STAGE": "local"}).secure_cookies


def test_the_region_comes_from_aws_region_before_the_default_region() -> None:
    settings = settings_from_environment(
        {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"}
    )

    assert settings.aws_region == "eu-west-1"


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_password_iteration_count_that_is_not_a_positive_integer_is_refused(
    value: str,
) -> None:
    with pytest.raises(ValueError, match="PASSWORD_ITERATIONS"):
        settings_from_environment({"STAGE": "local", "PASSWORD_ITERATIONS": value})
