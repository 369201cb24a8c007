"""Realistic payloads in the shapes each tool documents, as the connectors hand them over."""

from __future__ import annotations

GMAIL_MESSAGE = {
    "id": "18c1f2a3b4c5d6e7",
    "threadId": "18c1f2a3b4c5d6e0",
    "labelIds": ["INBOX", "UNREAD", "CATEGORY_PERSONAL"],
    "snippet": "Hi Sam, here&#39;s the signed order &amp; invoice",
    "historyId": "912345",
    "internalDate": "1700000000000",
    "sizeEstimate": 5321,
    "payload": {
        "mimeType": "multipart/alternative",
        "headers": [
            {"name": "From", "value": '"Jane Doe" <Jane.Doe@Example.com>'},
            {"name": "To", "value": "Sam Rep <sam@ourcompany.test>, ops@ourcompany.test"},
            {"name": "Cc", "value": "Bob <bob@example.com>"},
            {"name": "Subject", "value": "  Signed order  "},
            {"name": "Date", "value": "Tue, 14 Nov 2023 22:13:20 +0000"},
            {"name": "Message-Id", "value": "<CAF=abc123@mail.gmail.com>"},
        ],
    },
}

OUTLOOK_MESSAGE = {
    "id": "AAMkAGI2TG93AAA=",
    "folder": "sentitems",
    "receivedDateTime": "2024-03-05T09:30:00Z",
    "sentDateTime": "2024-03-05T09:29:58Z",
    "subject": "Proposal",
    "bodyPreview": "Please find the proposal attached.",
    "internetMessageId": "<AM0PR01MB1234@eurprd01.prod.outlook.com>",
    "conversationId": "AAQkAGI2conv",
    "from": {"emailAddress": {"name": "Sam Rep", "address": "sam@ourcompany.test"}},
    "toRecipients": [
        {"emailAddress": {"name": "Jane Doe", "address": "jane.doe@example.com"}},
        {"emailAddress": {"name": "Li Wei", "address": "li.wei@example.org"}},
    ],
    "ccRecipients": [],
    "isRead": True,
    "hasAttachments": True,
    "parentFolderId": "AQMkAD",
}

TWILIO_COMPLETED = {
    "AccountSid": "AC0123456789abcdef0123456789abcdef",
    "ApiVersion": "2010-04-01",
    "CallSid": "CA1234567890ABCDE",
    "CallStatus": "completed",
    "Called": "+18005551212",
    "Caller": "+12349013030",
    "Direction": "outbound-api",
    "From": "+12349013030",
    "To": "+18005551212",
    "ParentCallSid": "",
    "Timestamp": "Tue, 14 Nov 2023 22:13:20 +0000",
    "CallbackSource": "call-progress-events",
    "SequenceNumber": "3",
    "CallDuration": "42",
    "SipResponseCode": "200",
}

AIRCALL_CALL = {
    "id": 812345,
    "direct_link": "https://api.aircall.io/v1/calls/812345",
    "started_at": 1700000000,
    "answered_at": 1700000005,
    "ended_at": 1700000125,
    "duration": 125,
    "status": "done",
    "direction": "inbound",
    "raw_digits": "+44 20 7946 0958",
    "recording": None,
    "voicemail": None,
    "missed_call_reason": None,
    "number": {"id": 1, "name": "London office", "digits": "+44 20 7946 0000"},
    "user": {"id": 7, "name": "Sam Rep", "email": "sam@ourcompany.test"},
    "contact": {
        "id": 4242,
        "first_name": "Olivia",
        "last_name": "Brown",
        "company_name": "Brown & Co",
        "emails": [{"label": "work", "value": "Olivia@BrownCo.example"}],
        "phone_numbers": [{"label": "mobile", "value": "+447911123456"}],
    },
    "tags": [],
    "comments": [{"id": 1, "content": "Wants a quote"}, {"id": 2, "content": "Call back Friday"}],
}

AIRCALL_ENDED = {
    "resource": "call",
    "event": "call.ended",
    "timestamp": 1700000500,
    "token": "abc",
    "data": AIRCALL_CALL,
}

MAILCHIMP_SUBSCRIBE = {
    "type": "subscribe",
    "fired_at": "2009-03-26 21:35:57",
    "data": {
        "id": "8a25ff1d98",
        "list_id": "a6b5da1054",
        "email": "API@mailchimp.com",
        "email_type": "html",
        "merges": {
            "EMAIL": "api@mailchimp.com",
            "FNAME": "Mailchimp",
            "LNAME": "API",
            "INTERESTS": "Group1,Group2",
        },
        "ip_opt": "10.20.10.30",
        "ip_signup": "10.20.10.30",
    },
}

MAILCHIMP_MEMBER = {
    "id": "6e8b5c1f0c2a0f3d8a0c5f7f2b1e9d4a",
    "email_address": "Kim@Example.net",
    "status": "subscribed",
    "merge_fields": {"FNAME": "Kim", "LNAME": "Lee"},
    "last_changed": "2024-01-02T03:04:05+00:00",
    "list_id": "a6b5da1054",
    "tags": [{"id": 1, "name": "VIP"}, {"id": 2, "name": "Webinar"}],
}

MAILCHIMP_OPEN = {
    "action": "open",
    "timestamp": "2024-02-01T10:00:00+00:00",
    "campaign_id": "c123",
    "title": "February newsletter",
    "email_address": "kim@example.net",
}

ZENDESK_TICKET = {
    "id": 35436,
    "url": "https://acme.zendesk.com/api/v2/tickets/35436.json",
    "subject": "Help, my printer is on fire!",
    "raw_subject": "Help, my printer is on fire!",
    "description": "The fire is very colorful.",
    "status": "open",
    "priority": "high",
    "requester_id": 20978392,
    "requester": {"id": 20978392, "name": "Paula Perez", "email": "paula@example.com"},
    "created_at": "2024-01-02T10:00:00Z",
    "updated_at": "2024-01-03T11:00:00Z",
    "tags": ["enterprise"],
}

ZENDESK_USER = {
    "id": 20978392,
    "name": "Paula Perez",
    "email": "Paula@Example.com",
    "phone": "+1 415 555 0132",
    "role": "end-user",
    "tags": ["vip", "emea"],
    "user_fields": {"plan": "gold", "seats": 12, "renewal": None},
    "organization": {"name": "Acme Inc", "domain_names": ["acme.example", "Acme.org"]},
    "created_at": "2023-05-05T05:05:05Z",
}

FORM_LEAD = {
    "id": "sub_001",
    "submitted_at": "2024-04-01T12:00:00+02:00",
    "form_name": "Contact us",
    "page_url": "https://www.ourcompany.test/contact",
    "name": "Dr. Ana María García",
    "email": " Ana.Garcia@Example.es ",
    "phone": "+34 912 345 678",
    "company": "García SL",
    "message": "Please call me about pricing.",
}

CSV_ROW = {
    "given_name": "Tom",
    "family_name": "Jones",
    "email": "tom@example.com; Tom.Jones@Work.example",
    "phone": "+1 415 555 0199",
    "company": "Jones Ltd",
    "street": "1 Main St",
    "city": "Springfield",
    "postal_code": "12345",
    "region": "IL",
    "country": "US",
    "birth_date": "1980-07-15",
    "external_id": "crm-17",
    "tags": "vip, newsletter",
    "lifecycle_stage": "Customer",
}
