from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.normalize.emails import (
    GMAIL_DOMAINS,
    ROLE_LOCAL_PARTS,
    email_match_key,
    is_role_address,
    normalize_email,
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Lee@Example.COM \t", "ann.lee@example.com"),
        ("Ann Lee <Ann.Lee@Example.com>", "ann.lee@example.com"),
        ('"Lee, Ann" <ann@example.com>', "ann@example.com"),
        ("Lee, Ann <ann@example.com>", "ann@example.com"),
        ("<ann@example.com>", "ann@example.com"),
        ("mailto:Ann@Example.com", "ann@example.com"),
        ("MAILTO:ann@example.com?subject=Hello", "ann@example.com"),
        ("ann@example.com;", "ann@example.com"),
        ("ann@example.com,", "ann@example.com"),
        ("ann@münchen.de", "ann@xn--mnchen-3ya.de"),
        ("ann@MÜNCHEN.de", "ann@xn--mnchen-3ya.de"),
        ("ann@xn--mnchen-3ya.de", "ann@xn--mnchen-3ya.de"),
        ("ann@пример.рф", "ann@xn--e1afmkfd.xn--p1ai"),
        ("ÄNN@example.com", "änn@example.com"),
    ],
)
def test_valid_addresses_normalize_to_one_spelling(raw: str, normalized: str) -> None:
    result = normalize_email(raw)
    assert result.valid, result.detail
    assert result.error is None
    assert result.normalized == normalized
    assert result.raw == raw
    assert f"{result.local}@{result.domain}" == normalized


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("ann.example.com", "no @"),
        ("ann@bob@example.com", "more than one @"),
        ("@example.com", "nothing before @"),
        ("ann@", "nothing after @"),
        ("ann lee@example.com", "contains whitespace"),
        ("ann@localhost", "domain has no dot"),
        ("ann@server.local", "reserved domain"),
        ("ann@example.invalid", "reserved domain"),
        ("ann!#(@example.com", "invalid local part"),
        ("ann@exa_mple.com", "invalid domain"),
        ("ann..lee@example.com", "invalid syntax"),
    ],
)
def test_invalid_addresses_are_kept_raw_with_a_reason(raw: str | None, reason: str) -> None:
    result = normalize_email(raw)
    assert not result.valid
    assert result.error == reason
    assert result.detail
    assert result.raw == raw
    assert result.normalized is None
    assert result.match_key is None


def test_gmail_aliases_fold_dots_and_tags_into_gmail_com() -> None:
    result = normalize_email("A.nn.Lee+newsletter@GoogleMail.com")
    assert result.normalized == "a.nn.lee+newsletter@googlemail.com"
    assert result.match_key == "annlee@gmail.com"
    assert normalize_email("annlee@gmail.com").match_key == result.match_key


def test_other_providers_drop_tags_but_keep_dots() -> None:
    result = normalize_email("ann.lee+crm@outlook.com")
    assert result.match_key == "ann.lee@outlook.com"


def test_alias_folding_can_be_switched_off() -> None:
    result = normalize_email("Ann.Lee+x@googlemail.com", fold_aliases=False)
    assert result.match_key == "ann.lee+x@googlemail.com"
    assert result.match_key == result.normalized


def test_a_local_part_made_only_of_a_tag_keeps_it() -> None:
    assert email_match_key("+sales", "example.com") == "+sales@example.com"


@pytest.mark.parametrize(
    "raw",
    [
        "info@acme.com",
        "SALES@acme.com",
        "no-reply@acme.com",
        "No_Reply@acme.com",
        "noreply@acme.com",
        "do-not-reply@acme.com",
        "mailer-daemon@acme.com",
        "postmaster@acme.com",
        "support+eu@acme.com",
        "Careers@acme.com",
    ],
)
def test_role_addresses_are_flagged(raw: str) -> None:
    assert normalize_email(raw).is_role


@pytest.mark.parametrize("raw", ["ann@acme.com", "infoann@acme.com", "salesforce@acme.com"])
def test_personal_addresses_are_not_role(raw: str) -> None:
    assert not normalize_email(raw).is_role


def test_freemail_flag_follows_the_domain() -> None:
    assert normalize_email("ann@gmail.com").is_freemail
    assert normalize_email("ann@yahoo.co.uk").is_freemail
    assert not normalize_email("ann@acme.com").is_freemail


# --- properties -------------------------------------------------------------

_LOCAL = st.text(
    alphabet=st.characters(categories=["L", "N"]) | st.sampled_from(".+-_"),
    min_size=1,
    max_size=20,
)
_DOMAIN = st.sampled_from(
    ["example.com", "Example.COM", "gmail.com", "googlemail.com", "münchen.de", "пример.рф"]
)


@settings(deadline=None)
@given(st.emails() | st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN))
def test_normalization_is_idempotent(raw: str) -> None:
    first = normalize_email(raw)
    if not first.valid:
        return
    again = normalize_email(first.normalized)
    assert again.valid
    assert again.normalized == first.normalized
    assert again.match_key == first.match_key


@settings(deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_result_never_an_exception(raw: str) -> None:
    result = normalize_email(raw)
    assert result.valid == (result.error is None)
    assert result.raw == raw


@settings(deadline=None)
@given(st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN))
def test_alias_folding_keeps_the_domain(raw: str) -> None:
    result = normalize_email(raw)
    if not result.valid:
        return
    assert result.match_key is not None
    key_domain = result.match_key.rsplit("@", 1)[1]
    expected = "gmail.com" if result.domain in GMAIL_DOMAINS else result.domain
    assert key_domain == expected


@given(st.sampled_from(sorted(ROLE_LOCAL_PARTS)), st.lists(st.booleans(), min_size=20))
def test_role_detection_ignores_case(role: str, flips: list[bool]) -> None:
    mixed = "".join(ch.upper() if flip else ch for ch, flip in zip(role, flips, strict=False))
    assert is_role_address(mixed)
    assert is_role_address(f"{mixed}@acme.com")
    assert normalize_email(f"{mixed}@acme.com").is_role
