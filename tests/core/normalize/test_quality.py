from __future__ import annotations

from core.normalize.domains import company_domain
from core.normalize.emails import normalize_email
from core.normalize.names import parse_name
from core.normalize.phones import normalize_phone
from core.normalize.quality import QualityReport


def test_report_counts_seen_valid_invalid_and_reasons_per_field() -> None:
    report = QualityReport()
    emails = ["ann@acme.com", "info@acme.com", "bob@gmail.com", "bob.acme.com", "x@", "carl"]
    report.add_all("email", [normalize_email(raw) for raw in emails])
    report.add("phone", normalize_phone("+44 20 7946 0958"))
    report.add("phone", normalize_phone("415-555-2671"))
    assert report.to_dict() == {
        "email": {
            "seen": 6,
            "valid": 3,
            "invalid": 3,
            "reasons": {"no @": 2, "nothing after @": 1},
            "flags": {"role": 1, "freemail": 1},
        },
        "phone": {
            "seen": 2,
            "valid": 1,
            "invalid": 1,
            "reasons": {"no country code and no default region": 1},
        },
    }


def test_freemail_company_domains_are_valid_but_flagged() -> None:
    report = QualityReport()
    report.add("company_domain", company_domain("gmail.com"))
    report.add("company_domain", company_domain("localhost"))
    counts = report.to_dict()["company_domain"]
    assert counts["valid"] == 1
    assert counts["flags"] == {"freemail": 1}
    assert counts["reasons"] == {"unknown public suffix": 1}


def test_raw_samples_are_kept_only_when_asked_and_bounded() -> None:
    quiet = QualityReport()
    quiet.add("name", parse_name("ann@acme.com"))
    assert "samples" not in quiet.to_dict()["name"]

    report = QualityReport(max_samples=2)
    for raw in ["a", "b", "c"]:
        report.add("email", normalize_email(raw))
    assert report.to_dict()["email"]["samples"] == {"no @": ["a", "b"]}


def test_reports_merge_page_by_page() -> None:
    first, second = QualityReport(max_samples=1), QualityReport(max_samples=1)
    first.add("email", normalize_email("ann@acme.com"))
    second.add("email", normalize_email("nope"))
    second.add("name", parse_name("Jane Smith"))
    first.merge(second)
    assert first.to_dict() == {
        "email": {
            "seen": 2,
            "valid": 1,
            "invalid": 1,
            "reasons": {"no @": 1},
            "samples": {"no @": ["nope"]},
        },
        "name": {"seen": 1, "valid": 1, "invalid": 0, "reasons": {}},
    }
