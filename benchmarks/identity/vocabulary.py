"""Words the generator builds contacts from: names with their nicknames, companies, places.

Family names are mostly built from parts (so a million contacts have a realistic
spread), plus the commonest real ones weighted high, so that different people share a
name as often as they do in real lists.
"""

from __future__ import annotations

# canonical given name -> nicknames a person may go by in some tool
GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will"),
    "Elizabeth": ("Liz", "Beth"), "Katherine": ("Kate", "Cathy"),
    "Michael": ("Mike",), "James": ("Jim",), "Jennifer": ("Jen",),
    "Margaret": ("Peggy", "Maggie"), "Richard": ("Dick", "Rick"), "Thomas": ("Tom",),
    "Joseph": ("Joe",), "Charles": ("Chuck", "Charlie"), "Daniel": ("Dan",),
    "Matthew": ("Matt",), "Anthony": ("Tony",), "Patricia": ("Trish", "Pat"),
    "Susan": ("Sue",), "Steven": ("Steve",), "Andrew": ("Andy",), "Edward": ("Ted", "Ed"),
    "Alexander": ("Alex",), "Samantha": ("Sam",), "Benjamin": ("Ben",),
    "Nicholas": ("Nick",), "Jonathan": ("Jon",), "Rebecca": ("Becky",),
    "Victoria": ("Vicky",), "Deborah": ("Debbie",), "Timothy": ("Tim",),
    "Gregory": ("Greg",), "Lawrence": ("Larry",), "Ronald": ("Ron",), "Kenneth": ("Ken",),
    "Jacqueline": ("Jackie",), "Abigail": ("Abby",), "Jessica": ("Jess",),
    "Mary": (), "John": (), "David": (), "Sarah": (), "Laura": (), "Emma": (),
    "Olivia": (), "Sophie": (), "Lucas": (), "Noah": (), "Liam": (), "Mia": (),
    "Hannah": (), "Anna": (), "Julia": (), "Paul": (), "Mark": (), "Peter": (),
    "Karen": (), "Nancy": (), "Lisa": (), "Sandra": (), "Ashley": (), "Emily": (),
    "Amanda": (), "Melissa": (), "Stephanie": (), "Nicole": (), "Rachel": (),
    "Kevin": (), "Brian": (), "George": (), "Jason": (), "Ryan": (), "Jacob": (),
    "Gary": (), "Eric": (), "Scott": (), "Frank": (), "Raymond": (), "Jack": (),
    "Dennis": (), "Jerry": (), "Tyler": (), "Aaron": (), "Jose": (), "Adam": (),
    "Nathan": (), "Henry": (), "Zachary": (), "Kyle": (), "Noel": (), "Ethan": (),
    "Chloe": (), "Grace": (), "Lena": (), "Clara": (), "Felix": (), "Jonas": (),
    "Lukas": (), "Leon": (), "Maximilian": (), "Paula": (), "Marie": (), "Ines": (),
    "Oscar": (), "Hugo": (), "Amelia": (), "Isla": (), "Freya": (), "Harry": (),
    "Oliver": (), "Charlotte": (), "Priya": (), "Arjun": (), "Wei": (), "Yuki": (),
    "Fatima": (), "Omar": (), "Carlos": (), "Lucia": (), "Mateo": (), "Valentina": (),
}  # fmt: skip

COMMON_FAMILY_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
    "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
    "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker",
    "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Patel", "Khan", "Singh", "Nguyen", "Chen", "Wang", "Kim", "Tanaka", "O'Brien",
)  # fmt: skip

FAMILY_STARTS = (
    "Ash", "Black", "Brad", "Bren", "Brook", "Cal", "Cart", "Chad", "Crane", "Dal", "Dar",
    "Ell", "Fair", "Farn", "Fen", "Ford", "Gar", "Gold", "Hal", "Hart", "Hay", "Hol",
    "Kel", "Ken", "Kings", "Lang", "Lind", "Lock", "Mar", "Mel", "Mor", "Nor", "Oak",
    "Pem", "Pres", "Rad", "Red", "Ros", "Rut", "Sal", "Shel", "Stan", "Stock", "Sum",
    "Thorn", "Tor", "Wal", "Well", "West", "Whit", "Wind", "Wood", "Wynd", "Yar",
    "Bern", "Eck", "Hof", "Kess", "Lich", "Rein", "Stein", "Vog", "Wein", "Zim",
)  # fmt: skip
FAMILY_ENDS = (
    "by", "combe", "dale", "den", "er", "field", "ford", "gate", "ham", "hurst", "ington",
    "land", "ley", "low", "man", "mer", "more", "ridge", "row", "sby", "shaw", "son",
    "stone", "ton", "well", "wick", "win", "worth", "berg", "mann", "hardt", "ner",
)  # fmt: skip

COMPANY_WORDS = (
    "Apex", "Blue", "Bright", "Cedar", "Clear", "Delta", "Echo", "Evergreen", "First",
    "Granite", "Harbor", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian",
    "North", "Nova", "Oak", "Orbit", "Pacific", "Pine", "Prime", "Quantum", "Red",
    "River", "Silver", "Summit", "Sun", "Terra", "True", "Union", "Vertex", "West", "Zen",
)  # fmt: skip
COMPANY_NOUNS = (
    "Analytics", "Logistics", "Foods", "Labs", "Systems", "Partners", "Media", "Health",
    "Energy", "Capital", "Robotics", "Software", "Design", "Consulting", "Networks",
    "Dynamics", "Solutions", "Ventures", "Brands", "Works", "Studios", "Retail",
    "Insurance", "Pharma", "Motors", "Textiles", "Holdings", "Marine", "Security", "Cloud",
)  # fmt: skip
LEGAL_FORMS = {"US": ("Inc.", "LLC", "Corp."), "GB": ("Ltd", "PLC"), "DE": ("GmbH", "AG")}
TLDS = {"US": (".com", ".io", ".co"), "GB": (".co.uk", ".com"), "DE": (".de", ".com")}
CITIES = {
    "US": (("New York", "10001"), ("San Francisco", "94103"), ("Chicago", "60601"),
           ("Austin", "78701"), ("Boston", "02110"), ("Seattle", "98101")),
    "GB": (("London", "EC1A 1BB"), ("Manchester", "M1 1AE"), ("Leeds", "LS1 4AP"),
           ("Bristol", "BS1 4DJ")),
    "DE": (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"),
           ("Köln", "50667")),
}  # fmt: skip
COUNTRY_WEIGHTS = (("US", 0.6), ("GB", 0.25), ("DE", 0.15))
FREEMAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmx.de")
ROLE_INBOXES = ("info", "sales", "contact", "office")
JOB_TITLES = (
    "Account Executive", "Sales Manager", "CTO", "CEO", "Head of Marketing", "Engineer",
    "Operations Manager", "Buyer", "Procurement Lead", "Product Manager", "Analyst",
    "Office Manager", "VP Sales", "Founder", "Designer", "Support Lead",
)  # fmt: skip
EMAIL_PATTERNS = ("{first}.{last}", "{f}{last}", "{first}{l}", "{first}_{last}")
