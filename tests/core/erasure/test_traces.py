"""Finding and blanking an erased person's traces in text and JSON."""

from __future__ import annotations

from core.erasure.traces import ERASED, Traces, phone_spellings


def test_strong_traces_are_blanked_in_any_case_and_any_depth() -> None:
    traces = Traces(["ann.lee@example.com", "Ann Lee"])
    value = {"to": ["ANN.LEE@example.com"], "note": "Call ann lee", "n": 3}
    assert traces.found_in(value)
    assert traces.scrub(value) == {"to": [ERASED], "note": f"Call {ERASED}", "n": 3}


def test_single_name_words_are_blanked_only_when_scoped_and_whole() -> None:
    traces = Traces(["Ann Lee"], ["Ann", "Lee"])
    assert traces.scrub("Ann met Annabel") == "Ann met Annabel"
    assert traces.scrub("Ann met Annabel", scoped=True) == f"{ERASED} met Annabel"
    assert not traces.found_in("Ann met Annabel")


def test_short_strings_are_never_traces() -> None:
    traces = Traces(["17", "Ann"], ["Al"])
    assert traces.strong == frozenset()
    assert traces.scrub("Al paid 17 to Ann", scoped=True) == "Al paid 17 to Ann"


def test_a_phone_is_found_in_its_common_spellings() -> None:
    spellings = phone_spellings("+4915123456789")
    assert {"+4915123456789", "4915123456789", "+49 1512 3456789", "15123456789"} <= spellings
    traces = Traces([], phones=["+4915123456789"])
    text = "call 0151 23456789, +49 (0)151-2345-6789 or 0049 151 23456789; not 915123456789"
    assert traces.scrub(text) == f"call {ERASED}, {ERASED} or {ERASED}; not 915123456789"
    assert traces.found_in({"phone": "+49 151 23456789"})
