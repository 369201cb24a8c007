import pytest

from core.passwords import (
    WeakPassword,
    check_password_strength,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)


def test_hash_is_salted_and_verifies() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second
    assert first.startswith("scrypt$")
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterY", first)


@pytest.mark.parametrize("stored", [None, "", "md5$abc", "scrypt$broken"])
def test_unusable_hashes_never_verify(stored: str | None) -> None:
    assert not verify_password("anything", stored)


@pytest.mark.parametrize("password", ["short", " leading-space-pass", "trailing-space-pass "])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password_strength(password)


def test_tokens_are_random_and_hashed() -> None:
    token = new_token("crm")
    assert token.startswith("crm_")
    assert len(token) > 40
    assert token != new_token("crm")
    assert token_hash(token) == token_hash(token)
    assert token not in token_hash(token)
