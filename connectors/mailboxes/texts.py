"""Subjects and bodies: enough variety that snippets differ, nothing more."""

from __future__ import annotations

import random

EXTERNAL_SUBJECTS = (
    "Quote for {company}",
    "Follow-up on our call",
    "Renewal terms {year}",
    "Intro: {company} x Brightwave",
    "Pricing question",
    "Demo next week?",
    "Contract redlines",
    "Onboarding plan for {company}",
    "Invoice {number}",
    "Security questionnaire",
    "Pilot results",
    "Meeting notes {month}",
    "Re-scheduling Thursday",
    "Proposal v{version}",
    "Support escalation #{number}",
)
INTERNAL_SUBJECTS = (
    "Pipeline review {month}",
    "Forecast call",
    "Deal desk: {company}",
    "Territory split",
    "Can you cover {company}?",
    "QBR prep",
    "Comp plan questions",
    "Lunch?",
    "Hiring update",
    "Board deck numbers",
)
NEWSLETTER_SUBJECTS = (
    "Your weekly digest",
    "{number} new updates for you",
    "Invoice available",
    "Webinar: growing revenue in {year}",
    "Security alert for your account",
    "Reminder: event tomorrow",
    "Your booking confirmation",
    "Monthly product news",
    "You have {number} new notifications",
    "Document completed",
)
OPENINGS = (
    "Thanks for the quick reply.",
    "Following up on my last note.",
    "As discussed on the phone,",
    "Quick question about the numbers.",
    "Attached are the revised terms.",
    "Good to hear from you.",
    "Sorry for the delay here.",
    "Looping in the team.",
)
MIDDLES = (
    "We can move forward once legal signs off.",
    "Could you share the updated seat count?",
    "The pilot went well and the team is keen to expand.",
    "Budget is approved for next quarter.",
    "Let me check with finance and get back to you.",
    "Would Tuesday at 10 work for a call?",
    "The integration needs SSO before rollout.",
    "Pricing is in the attached sheet.",
)
CLOSINGS = ("Best,", "Thanks,", "Cheers,", "Kind regards,", "Talk soon,")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fill(template: str, rng: random.Random, company: str = "") -> str:
    return template.format(
        company=company or "Acme",
        year=rng.choice((2024, 2025, 2026)),
        number=rng.randrange(100, 99999),
        month=rng.choice(MONTHS),
        version=rng.randrange(2, 6),
    )


def body(rng: random.Random, signer: str) -> str:
    return (
        f"Hi,\n\n{rng.choice(OPENINGS)} {rng.choice(MIDDLES)}\n{rng.choice(MIDDLES)}\n\n"
        f"{rng.choice(CLOSINGS)}\n{signer}\n"
    )


def newsletter_body(rng: random.Random, vendor: str) -> str:
    return (
        f"{vendor}\n\nHere is what happened this week. {rng.choice(MIDDLES)}\n\n"
        "You receive this mail because you signed up. Unsubscribe any time.\n"
    )
