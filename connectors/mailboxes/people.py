"""Who writes to whom: the internal reps, the customer companies and their people.

Names and companies are drawn from fixed pools with a seeded generator, so one seed
always gives the same organization. Some contacts write from a free-mail address as
well as their work address, and some go by a nickname, as real correspondents do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from connectors.mailboxes.model import Address

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "William",
    "Mia",
    "Benjamin",
    "Charlotte",
    "Lucas",
    "Amelia",
    "Henry",
    "Harper",
    "Alexander",
    "Evelyn",
    "Daniel",
    "Abigail",
    "Matthew",
    "Emily",
    "Joseph",
    "Elizabeth",
    "Samuel",
    "Sofia",
    "David",
    "Avery",
    "Robert",
    "Ella",
    "Michael",
    "Scarlett",
    "Thomas",
    "Grace",
    "Katherine",
    "Nikolai",
    "Priya",
    "Mateo",
    "Yuki",
    "Fatima",
    "Jonas",
    "Chloe",
    "Margaret",
    "Anders",
    "Lena",
    "Rafael",
    "Ines",
    "Tobias",
    "Aisha",
)
NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Michael": "Mike",
    "Katherine": "Kate",
    "Elizabeth": "Liz",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Joseph": "Joe",
    "Samuel": "Sam",
    "Thomas": "Tom",
    "Margaret": "Maggie",
}
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Hill",
    "Green",
    "Baker",
    "Nelson",
    "Mueller",
    "Schmidt",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Novak",
    "Larsen",
    "Tanaka",
    "Okafor",
    "Haddad",
    "Silva",
    "O'Brien",
    "van der Berg",
    "Fischer",
    "Petrov",
    "Costa",
)
COMPANY_HEADS = (
    "North",
    "Blue",
    "Silver",
    "Bright",
    "Iron",
    "Cedar",
    "Summit",
    "Harbor",
    "Vertex",
    "Quantum",
    "Atlas",
    "Pioneer",
    "Granite",
    "Nova",
    "Crest",
    "Maple",
    "Orbit",
    "Delta",
    "Falcon",
    "Echo",
    "Lumen",
    "Apex",
    "Solid",
    "Clear",
    "Rapid",
)
COMPANY_TAILS = (
    "wind",
    "stone",
    "field",
    "works",
    "logic",
    "labs",
    "point",
    "bridge",
    "systems",
    "forge",
    "grid",
    "path",
    "wave",
    "metrics",
    "craft",
    "line",
    "scale",
    "loop",
)
TLDS = (".com", ".com", ".com", ".io", ".de", ".co.uk", ".fr", ".net")
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de")
VENDORS = (
    ("SaaS Weekly", "newsletter", "saasweekly.com"),
    ("Cloudbill", "noreply", "cloudbill.io"),
    ("Eventhub", "no-reply", "eventhub.com"),
    ("LinkedIn", "notifications-noreply", "linkedin.com"),
    ("Calendly", "notifications", "calendly.com"),
    ("Zoomly", "no-reply", "zoomly.us"),
    ("Stackwatch", "alerts", "stackwatch.dev"),
    ("Growth Digest", "hello", "growthdigest.co"),
    ("Docuseal", "dse", "docuseal.net"),
    ("Travelix", "bookings", "travelix.com"),
)


@dataclass(frozen=True, slots=True)
class Person:
    """A correspondent; ``alternates`` are other addresses the same person writes from."""

    first: str
    last: str
    email: str
    company: str
    alternates: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def address(self, rng: random.Random) -> Address:
        """The address of one mail: usually the main one, sometimes another spelling."""
        email = self.email
        if self.alternates and rng.random() < 0.25:
            email = rng.choice(self.alternates)
        first = self.first
        if first in NICKNAMES and rng.random() < 0.3:
            first = NICKNAMES[first]
        return Address(email, f"{first} {self.last}")


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    domain: str


def _local_part(first: str, last: str, style: int) -> str:
    last = last.lower().replace("'", "").replace(" ", "")
    first = first.lower()
    return (f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{first}_{last}")[style]


def make_reps(rng: random.Random, count: int, domain: str) -> list[Person]:
    """Reps of the organization, unique addresses on the internal domain."""
    reps: list[Person] = []
    taken: set[str] = set()
    while len(reps) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{_local_part(first, last, 0)}@{domain}"
        if email in taken:
            continue
        taken.add(email)
        reps.append(Person(first, last, email, "internal"))
    return reps


def make_companies(rng: random.Random, count: int) -> list[Company]:
    companies: list[Company] = []
    taken: set[str] = set()
    while len(companies) < count:
        head, tail = rng.choice(COMPANY_HEADS), rng.choice(COMPANY_TAILS)
        name = f"{head}{tail}"
        if name in taken:
            name = f"{name} {rng.choice(('Group', 'GmbH', 'Ltd', 'Inc', 'Partners'))}"
            if name in taken:
                continue
        taken.add(name)
        slug = name.lower().replace(" ", "-")
        companies.append(Company(name, f"{slug}{rng.choice(TLDS)}"))
    return companies


def make_contacts(
    rng: random.Random, count: int, companies: list[Company], free_mail_share: float = 0.12
) -> list[Person]:
    """External people: most at a company, some only on free mail, some on both."""
    contacts: list[Person] = []
    taken: set[str] = set()
    while len(contacts) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        style = rng.randrange(4)
        if rng.random() < free_mail_share:
            local = f"{_local_part(first, last, style)}{rng.randrange(10, 99)}"
            email, company = f"{local}@{rng.choice(FREE_MAIL)}", ""
            alternates: tuple[str, ...] = ()
        else:
            firm = rng.choice(companies)
            email, company = f"{_local_part(first, last, style)}@{firm.domain}", firm.name
            alternates = ()
            if rng.random() < 0.1:
                local = f"{_local_part(first, last, 0)}{rng.randrange(1, 99)}"
                alternates = (f"{local}@{rng.choice(FREE_MAIL)}",)
        if email in taken:
            continue
        taken.add(email)
        contacts.append(Person(first, last, email, company, alternates))
    return contacts
