"""Normalization: emails, phones (E.164), names and company domains, then match keys.

Pure functions over plain data: no database, no network, no framework. Every
normalizer returns a frozen result that keeps the raw input and, when the input is
unusable, says why instead of raising or dropping it.
"""

from core.normalize.company import company_stem, domain_stem, normalize_company_name
from core.normalize.domains import DomainResult, company_domain, freemail_domains, is_freemail
from core.normalize.emails import EmailResult, email_match_key, is_role_address, normalize_email
from core.normalize.keys import (
    birth_date_key,
    blocking_keys,
    email_domain_key,
    phone_tail_key,
    phonetic_key,
    postal_code_key,
    prefix_key,
)
from core.normalize.names import (
    NameResult,
    canonical_given_names,
    given_names_compatible,
    nicknames_agree,
    parse_name,
    split_full_name,
)
from core.normalize.phones import PhoneResult, normalize_phone, tail
from core.normalize.quality import FieldQuality, QualityReport

__all__ = [
    "DomainResult",
    "EmailResult",
    "FieldQuality",
    "NameResult",
    "PhoneResult",
    "QualityReport",
    "birth_date_key",
    "blocking_keys",
    "canonical_given_names",
    "company_domain",
    "company_stem",
    "domain_stem",
    "email_domain_key",
    "email_match_key",
    "freemail_domains",
    "given_names_compatible",
    "is_freemail",
    "is_role_address",
    "nicknames_agree",
    "normalize_company_name",
    "normalize_email",
    "normalize_phone",
    "parse_name",
    "phone_tail_key",
    "phonetic_key",
    "postal_code_key",
    "prefix_key",
    "split_full_name",
    "tail",
]
