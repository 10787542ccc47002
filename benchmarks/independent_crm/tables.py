"""Static locale tables: cities, phone plans, e-mail domains, honorifics, nicknames, Malaysian names.

Written from general knowledge of each country's conventions (Wikipedia-level facts: postcode
prefixes, area codes, mobile ranges), not from any project file. Weights are rough population
shares, only meant to make big cities common and small ones rare.
"""

from __future__ import annotations

LOCALES = ("en_GB", "en_US", "de_DE", "fr_FR", "id_ID", "ms_MY")
LOCALE_WEIGHTS = (0.24, 0.26, 0.15, 0.12, 0.12, 0.11)
COUNTRY = {"en_GB": "GB", "en_US": "US", "de_DE": "DE", "fr_FR": "FR", "id_ID": "ID", "ms_MY": "MY"}
CALLING_CODE = {"GB": "44", "US": "1", "DE": "49", "FR": "33", "ID": "62", "MY": "60"}
# Faker has no ms_MY locale: Malaysian street names come from its en_MS address provider, names
# from the lists below, company names and job titles are built here / taken from en_GB.
FAKER_LOCALE = {"en_GB": "en_GB", "en_US": "en_US", "de_DE": "de_DE", "fr_FR": "fr_FR", "id_ID": "id_ID",
                "ms_MY": "en_MS"}

# ---------------------------------------------------------------------------------------------
# Cities. Per locale: (city, region, weight, postcode spec, landline area code, subscriber length)
# postcode spec: ("gb", [outward prefixes], lo, hi) | ("range", lo, hi) | ("list", [codes])
# US rows carry (city, state, weight, ("zip3", [...]), [area codes], state code).
# ---------------------------------------------------------------------------------------------
CITIES: dict[str, list[tuple]] = {
    "en_GB": [
        ("London", "Greater London", 30, ("gb", ["E", "N", "SE", "SW", "W", "NW"], 1, 20), "20", 8),
        ("Birmingham", "West Midlands", 6, ("gb", ["B"], 1, 45), "121", 7),
        ("Manchester", "Greater Manchester", 6, ("gb", ["M"], 1, 40), "161", 7),
        ("Leeds", "West Yorkshire", 5, ("gb", ["LS"], 1, 29), "113", 7),
        ("Glasgow", "Scotland", 5, ("gb", ["G"], 1, 53), "141", 7),
        ("Liverpool", "Merseyside", 4, ("gb", ["L"], 1, 38), "151", 7),
        ("Sheffield", "South Yorkshire", 4, ("gb", ["S"], 1, 36), "114", 7),
        ("Bristol", "Bristol", 4, ("gb", ["BS"], 1, 16), "117", 7),
        ("Edinburgh", "Scotland", 4, ("gb", ["EH"], 1, 17), "131", 7),
        ("Cardiff", "Wales", 3, ("gb", ["CF"], 3, 24), "29", 8),
        ("Leicester", "Leicestershire", 3, ("gb", ["LE"], 1, 5), "116", 7),
        ("Nottingham", "Nottinghamshire", 3, ("gb", ["NG"], 1, 11), "115", 7),
        ("Newcastle upon Tyne", "Tyne and Wear", 3, ("gb", ["NE"], 1, 15), "191", 7),
        ("Belfast", "Northern Ireland", 3, ("gb", ["BT"], 1, 17), "28", 8),
        ("Coventry", "West Midlands", 2, ("gb", ["CV"], 1, 6), "24", 8),
        ("Brighton", "East Sussex", 2, ("gb", ["BN"], 1, 3), "1273", 6),
        ("Southampton", "Hampshire", 2, ("gb", ["SO"], 14, 19), "23", 8),
        ("Reading", "Berkshire", 2, ("gb", ["RG"], 1, 6), "118", 7),
        ("Oxford", "Oxfordshire", 2, ("gb", ["OX"], 1, 4), "1865", 6),
        ("Cambridge", "Cambridgeshire", 2, ("gb", ["CB"], 1, 5), "1223", 6),
        ("York", "North Yorkshire", 2, ("gb", ["YO"], 1, 32), "1904", 6),
        ("Norwich", "Norfolk", 1.5, ("gb", ["NR"], 1, 18), "1603", 6),
    ],
    "en_US": [
        ("New York", "New York", 14, ("zip3", ["100", "101", "102", "103", "104"]), ["212", "646", "718", "917", "347"], "NY"),
        ("Los Angeles", "California", 9, ("zip3", ["900"]), ["213", "310", "323", "424"], "CA"),
        ("Chicago", "Illinois", 6, ("zip3", ["606"]), ["312", "773", "872"], "IL"),
        ("Houston", "Texas", 5, ("zip3", ["770"]), ["713", "832", "281"], "TX"),
        ("Phoenix", "Arizona", 4, ("zip3", ["850"]), ["602", "480", "623"], "AZ"),
        ("Philadelphia", "Pennsylvania", 4, ("zip3", ["191"]), ["215", "267"], "PA"),
        ("San Antonio", "Texas", 3, ("zip3", ["782"]), ["210", "726"], "TX"),
        ("San Diego", "California", 3, ("zip3", ["921"]), ["619", "858"], "CA"),
        ("Dallas", "Texas", 3, ("zip3", ["752"]), ["214", "469", "972"], "TX"),
        ("Seattle", "Washington", 3, ("zip3", ["981"]), ["206", "425"], "WA"),
        ("Boston", "Massachusetts", 3, ("zip3", ["021"]), ["617", "857"], "MA"),
        ("Denver", "Colorado", 2.5, ("zip3", ["802"]), ["303", "720"], "CO"),
        ("Atlanta", "Georgia", 2.5, ("zip3", ["303"]), ["404", "678", "470"], "GA"),
        ("Miami", "Florida", 2.5, ("zip3", ["331"]), ["305", "786"], "FL"),
        ("Portland", "Oregon", 2, ("zip3", ["972"]), ["503", "971"], "OR"),
        ("Minneapolis", "Minnesota", 2, ("zip3", ["554"]), ["612", "952"], "MN"),
        ("Detroit", "Michigan", 2, ("zip3", ["482"]), ["313"], "MI"),
        ("Austin", "Texas", 2, ("zip3", ["787"]), ["512", "737"], "TX"),
        ("Columbus", "Ohio", 2, ("zip3", ["432"]), ["614"], "OH"),
        ("Charlotte", "North Carolina", 2, ("zip3", ["282"]), ["704", "980"], "NC"),
        ("Nashville", "Tennessee", 1.5, ("zip3", ["372"]), ["615"], "TN"),
        ("Springfield", "Illinois", 1, ("zip3", ["627"]), ["217"], "IL"),
    ],
    "de_DE": [
        ("Berlin", "Berlin", 10, ("range", 10115, 14199), "30", 8),
        ("Hamburg", "Hamburg", 6, ("range", 20095, 22769), "40", 8),
        ("München", "Bayern", 5, ("range", 80331, 81929), "89", 8),
        ("Köln", "Nordrhein-Westfalen", 4, ("range", 50667, 51149), "221", 7),
        ("Frankfurt am Main", "Hessen", 3, ("range", 60306, 60599), "69", 8),
        ("Stuttgart", "Baden-Württemberg", 3, ("range", 70173, 70619), "711", 7),
        ("Düsseldorf", "Nordrhein-Westfalen", 3, ("range", 40210, 40629), "211", 7),
        ("Leipzig", "Sachsen", 2.5, ("range", 4103, 4357), "341", 7),
        ("Dortmund", "Nordrhein-Westfalen", 2.5, ("range", 44135, 44388), "231", 7),
        ("Essen", "Nordrhein-Westfalen", 2.5, ("range", 45127, 45359), "201", 7),
        ("Bremen", "Bremen", 2, ("range", 28195, 28779), "421", 7),
        ("Dresden", "Sachsen", 2, ("range", 1067, 1328), "351", 7),
        ("Hannover", "Niedersachsen", 2, ("range", 30159, 30669), "511", 7),
        ("Nürnberg", "Bayern", 2, ("range", 90402, 90491), "911", 7),
        ("Freiburg im Breisgau", "Baden-Württemberg", 1, ("range", 79098, 79117), "761", 7),
        ("Münster", "Nordrhein-Westfalen", 1, ("range", 48143, 48167), "251", 7),
    ],
    "fr_FR": [
        ("Paris", "Île-de-France", 12, ("list", [f"750{i:02d}" for i in range(1, 21)]), "1", 8),
        ("Marseille", "Provence-Alpes-Côte d'Azur", 5, ("list", [f"130{i:02d}" for i in range(1, 17)]), "4", 8),
        ("Lyon", "Auvergne-Rhône-Alpes", 4, ("list", [f"6900{i}" for i in range(1, 10)]), "4", 8),
        ("Toulouse", "Occitanie", 3, ("list", ["31000", "31100", "31200", "31300", "31400", "31500"]), "5", 8),
        ("Nice", "Provence-Alpes-Côte d'Azur", 2.5, ("list", ["06000", "06100", "06200", "06300"]), "4", 8),
        ("Nantes", "Pays de la Loire", 2.5, ("list", ["44000", "44100", "44200", "44300"]), "2", 8),
        ("Strasbourg", "Grand Est", 2, ("list", ["67000", "67100", "67200"]), "3", 8),
        ("Montpellier", "Occitanie", 2, ("list", ["34000", "34070", "34080", "34090"]), "4", 8),
        ("Bordeaux", "Nouvelle-Aquitaine", 2, ("list", ["33000", "33100", "33200", "33300", "33800"]), "5", 8),
        ("Lille", "Hauts-de-France", 2, ("list", ["59000", "59160", "59260", "59800"]), "3", 8),
        ("Rennes", "Bretagne", 1.5, ("list", ["35000", "35200", "35700"]), "2", 8),
        ("Reims", "Grand Est", 1, ("list", ["51100"]), "3", 8),
        ("Grenoble", "Auvergne-Rhône-Alpes", 1, ("list", ["38000", "38100"]), "4", 8),
        ("Dijon", "Bourgogne-Franche-Comté", 1, ("list", ["21000"]), "3", 8),
        ("Saint-Étienne", "Auvergne-Rhône-Alpes", 1, ("list", ["42000", "42100"]), "4", 8),
    ],
    "id_ID": [
        ("Jakarta", "DKI Jakarta", 12, ("range", 10110, 14450), "21", 8),
        ("Surabaya", "Jawa Timur", 5, ("range", 60111, 60299), "31", 8),
        ("Bandung", "Jawa Barat", 4, ("range", 40111, 40295), "22", 7),
        ("Medan", "Sumatera Utara", 4, ("range", 20111, 20371), "61", 7),
        ("Semarang", "Jawa Tengah", 3, ("range", 50111, 50279), "24", 7),
        ("Makassar", "Sulawesi Selatan", 2.5, ("range", 90111, 90245), "411", 6),
        ("Palembang", "Sumatera Selatan", 2, ("range", 30111, 30164), "711", 6),
        ("Tangerang", "Banten", 3, ("range", 15111, 15159), "21", 8),
        ("Depok", "Jawa Barat", 2, ("range", 16411, 16519), "21", 8),
        ("Bekasi", "Jawa Barat", 3, ("range", 17111, 17159), "21", 8),
        ("Yogyakarta", "DI Yogyakarta", 2, ("range", 55111, 55293), "274", 6),
        ("Denpasar", "Bali", 1.5, ("range", 80111, 80239), "361", 6),
        ("Malang", "Jawa Timur", 1.5, ("range", 65111, 65149), "341", 6),
    ],
    "ms_MY": [
        ("Kuala Lumpur", "Wilayah Persekutuan Kuala Lumpur", 10, ("range", 50000, 60000), "3", 8),
        ("Petaling Jaya", "Selangor", 5, ("range", 46000, 47900), "3", 8),
        ("Shah Alam", "Selangor", 4, ("range", 40000, 40470), "3", 8),
        ("Subang Jaya", "Selangor", 3, ("range", 47500, 47650), "3", 8),
        ("Klang", "Selangor", 3, ("range", 41000, 41300), "3", 8),
        ("Johor Bahru", "Johor", 5, ("range", 80000, 81300), "7", 7),
        ("George Town", "Pulau Pinang", 4, ("range", 10000, 11000), "4", 7),
        ("Ipoh", "Perak", 3, ("range", 30000, 31650), "5", 7),
        ("Kuching", "Sarawak", 2.5, ("range", 93000, 93350), "82", 6),
        ("Kota Kinabalu", "Sabah", 2.5, ("range", 88000, 88450), "88", 6),
        ("Melaka", "Melaka", 2, ("range", 75000, 75460), "6", 7),
        ("Seremban", "Negeri Sembilan", 2, ("range", 70000, 70450), "6", 7),
        ("Kuantan", "Pahang", 1.5, ("range", 25000, 26100), "9", 7),
    ],
}

# Spellings people and systems use for the same city (exonyms, short forms, ASCII).
CITY_VARIANTS = {
    "München": ["Munich", "Muenchen", "Munchen"],
    "Köln": ["Cologne", "Koeln", "Koln"],
    "Nürnberg": ["Nuremberg", "Nuernberg"],
    "Düsseldorf": ["Duesseldorf", "Dusseldorf"],
    "Frankfurt am Main": ["Frankfurt", "Frankfurt a.M.", "Frankfurt/Main"],
    "Freiburg im Breisgau": ["Freiburg", "Freiburg i. Br."],
    "Münster": ["Muenster", "Munster"],
    "Saint-Étienne": ["St-Etienne", "Saint-Etienne", "St Étienne"],
    "Newcastle upon Tyne": ["Newcastle", "Newcastle-upon-Tyne"],
    "New York": ["New York City", "NYC", "New York, NY"],
    "Kuala Lumpur": ["KL", "Kuala Lumpur City"],
    "Johor Bahru": ["Johor Baharu", "JB"],
    "George Town": ["Georgetown", "Penang", "Pulau Pinang"],
    "Melaka": ["Malacca"],
    "Jakarta": ["DKI Jakarta", "Jakarta Selatan", "Jakarta Pusat"],
    "Yogyakarta": ["Jogja", "Jogjakarta", "Yogya"],
    "Petaling Jaya": ["PJ"],
    "Marseille": ["Marseilles"],
    "Lyon": ["Lyons"],
}

# ---------------------------------------------------------------------------------------------
# Mobile plans: (prefixes, subscriber lengths) as national significant numbers without trunk 0.
# ---------------------------------------------------------------------------------------------
MOBILE = {
    "GB": (["74", "75", "77", "78", "79"], [8]),
    "DE": (["151", "152", "157", "162", "171", "172", "173", "174", "176", "177", "178", "179"], [8]),
    "FR": (["6", "6", "6", "73", "74", "75", "76", "77", "78"], None),  # total 9 digits
    "ID": (["811", "812", "813", "821", "822", "823", "852", "853", "856", "857", "858", "877", "878", "896",
            "895", "881", "838"], [7, 8, 8]),
    "MY": (["12", "13", "14", "16", "17", "18", "19", "11"], None),  # 11 -> 8 digits, others 7
}

# Free-mail domains per locale with weights.
FREE_DOMAINS = {
    "en_GB": [("gmail.com", 34), ("hotmail.co.uk", 14), ("yahoo.co.uk", 11), ("outlook.com", 9),
              ("btinternet.com", 8), ("icloud.com", 8), ("sky.com", 5), ("live.co.uk", 4), ("aol.co.uk", 2)],
    "en_US": [("gmail.com", 42), ("yahoo.com", 16), ("hotmail.com", 9), ("outlook.com", 8), ("aol.com", 6),
              ("icloud.com", 10), ("comcast.net", 5), ("att.net", 3)],
    "de_DE": [("gmail.com", 22), ("web.de", 22), ("gmx.de", 18), ("gmx.net", 8), ("t-online.de", 12),
              ("yahoo.de", 5), ("outlook.de", 5), ("posteo.de", 2)],
    "fr_FR": [("gmail.com", 34), ("orange.fr", 16), ("hotmail.fr", 12), ("free.fr", 10), ("yahoo.fr", 8),
              ("laposte.net", 7), ("sfr.fr", 6), ("wanadoo.fr", 4)],
    "id_ID": [("gmail.com", 62), ("yahoo.co.id", 14), ("yahoo.com", 12), ("hotmail.com", 6), ("ymail.com", 4)],
    "ms_MY": [("gmail.com", 58), ("yahoo.com", 14), ("hotmail.com", 12), ("outlook.com", 6),
              ("yahoo.com.my", 6), ("live.com.my", 2)],
}
DOMAIN_TLD = {"en_GB": [".co.uk", ".com", ".co.uk"], "en_US": [".com"], "de_DE": [".de", ".de", ".com"],
              "fr_FR": [".fr", ".fr", ".com"], "id_ID": [".co.id", ".com", ".id"],
              "ms_MY": [".com.my", ".my", ".com"]}
DOMAIN_TYPOS = {
    "gmail.com": ["gmial.com", "gmai.com", "gamil.com", "gmail.co", "gmail.con"],
    "hotmail.com": ["hotmial.com", "hotmal.com", "hotmail.co"],
    "hotmail.co.uk": ["hotmial.co.uk", "hotmail.co.k", "hotmail.com.uk"],
    "hotmail.fr": ["hotmial.fr", "hotmail.fe"],
    "yahoo.com": ["yaho.com", "yahooo.com", "yahoo.cm"],
    "yahoo.co.uk": ["yahoo.co.k", "yaho.co.uk"],
    "outlook.com": ["outlok.com", "outloo.com"],
    "web.de": ["wed.de", "web.ed"],
    "gmx.de": ["gmx.d", "gxm.de"],
    "t-online.de": ["tonline.de", "t-onlien.de"],
    "orange.fr": ["ornage.fr", "orange.ft"],
}
WORD_HANDLES = ["sunny", "tiger", "blue", "star", "happy", "dragon", "rocket", "ninja", "angel", "lucky", "shadow",
                "pixel", "maple", "river", "storm", "kitty", "panda", "cool", "music", "soccer", "gamer", "dreamer"]

# ---------------------------------------------------------------------------------------------
# Honorifics (written in the first-name field by some people and some systems).
# ---------------------------------------------------------------------------------------------
HONORIFICS = {
    "en_GB": {"M": ["Mr", "Mr.", "Dr", "Dr."], "F": ["Ms", "Mrs", "Miss", "Ms.", "Mrs.", "Dr"]},
    "en_US": {"M": ["Mr.", "Mr", "Dr."], "F": ["Ms.", "Mrs.", "Miss", "Dr."]},
    "de_DE": {"M": ["Herr", "Hr.", "Dr.", "Prof. Dr."], "F": ["Frau", "Fr.", "Dr.", "Prof. Dr."]},
    "fr_FR": {"M": ["M.", "Monsieur", "Dr"], "F": ["Mme", "Madame", "Mlle", "Dr"]},
    "id_ID": {"M": ["Bpk.", "Bapak", "Pak", "H.", "Ir.", "Dr."], "F": ["Ibu", "Bu", "Hj.", "Dr."]},
    "ms_MY": {"M": ["Encik", "En.", "Haji", "Dato'", "Dr."], "F": ["Puan", "Pn.", "Cik", "Hajah", "Datin", "Dr."]},
}
ID_DEGREES = ["S.E.", "S.Kom", "S.H.", "S.T.", "S.Pd", "S.Psi", "S.Sos", "M.M.", "S.Ked", "S.Farm", "M.Kom"]

# ---------------------------------------------------------------------------------------------
# Nicknames and short forms: formal -> forms people go by. Written for this generator.
# ---------------------------------------------------------------------------------------------
NICKNAMES = {
    # English
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"], "William": ["Bill", "Will", "Billy", "Liam"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty", "Eliza"], "Richard": ["Rick", "Rich", "Dick", "Ricky"],
    "James": ["Jim", "Jimmy", "Jamie"], "John": ["Jack", "Johnny"], "Joseph": ["Joe", "Joey"],
    "Michael": ["Mike", "Mick", "Mikey"], "Thomas": ["Tom", "Tommy"], "Christopher": ["Chris", "Kit"],
    "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Anthony": ["Tony", "Ant"], "Andrew": ["Andy", "Drew"],
    "Edward": ["Ed", "Ted", "Eddie", "Ned"], "Jennifer": ["Jen", "Jenny"], "Katherine": ["Kate", "Kathy", "Katie"],
    "Catherine": ["Cathy", "Kate", "Cat"], "Kathryn": ["Kate", "Kathy"], "Margaret": ["Maggie", "Peggy", "Meg"],
    "Patricia": ["Pat", "Patty", "Trish"], "Susan": ["Sue", "Suzy"], "Deborah": ["Debbie", "Deb"],
    "Rebecca": ["Becky", "Becca"], "Samantha": ["Sam", "Sammy"], "Alexander": ["Alex", "Sandy", "Xander"],
    "Benjamin": ["Ben", "Benny"], "Nicholas": ["Nick", "Nicky"], "Jonathan": ["Jon", "Jonny"],
    "Stephen": ["Steve"], "Steven": ["Steve"], "Timothy": ["Tim", "Timmy"], "Kenneth": ["Ken", "Kenny"],
    "Charles": ["Charlie", "Chuck", "Chas"], "Gregory": ["Greg"], "Jeffrey": ["Jeff"], "Samuel": ["Sam"],
    "Victoria": ["Vicky", "Tori"], "Jessica": ["Jess", "Jessie"], "Stephanie": ["Steph"],
    "Christine": ["Chris", "Tina"], "Christina": ["Tina", "Chris"], "Alexandra": ["Alex", "Lexi"],
    "Kimberly": ["Kim"], "Kimberley": ["Kim"], "Nathan": ["Nate"], "Nathaniel": ["Nate", "Nat"],
    "Zachary": ["Zach", "Zack"], "Joshua": ["Josh"], "Abigail": ["Abby"], "Amanda": ["Mandy"],
    "Pamela": ["Pam"], "Douglas": ["Doug"], "Raymond": ["Ray"], "Lawrence": ["Larry"], "Gerald": ["Gerry"],
    "Philip": ["Phil"], "Phillip": ["Phil"], "Frederick": ["Fred", "Freddie"], "Donald": ["Don", "Donny"],
    "Ronald": ["Ron", "Ronnie"], "David": ["Dave", "Davy"], "Peter": ["Pete"], "Terence": ["Terry"],
    "Leonard": ["Len", "Lenny"], "Gareth": ["Gaz"], "Jacqueline": ["Jackie"], "Dorothy": ["Dot", "Dottie"],
    "Barbara": ["Barb", "Babs"], "Gabrielle": ["Gabby"], "Frances": ["Fran"], "Francis": ["Frank"],
    "Theodore": ["Ted", "Theo"], "Harold": ["Harry", "Hal"], "Henry": ["Harry", "Hank"], "Eleanor": ["Ellie", "Nell"],
    "Natalie": ["Nat"], "Natasha": ["Tash"], "Caroline": ["Carrie", "Caro"], "Sarah": ["Sally"],
    "Melissa": ["Mel"], "Melanie": ["Mel"], "Jacob": ["Jake"], "Benedict": ["Ben"], "Oliver": ["Ollie"],
    "Gwendolyn": ["Gwen"], "Rosemary": ["Rose", "Rosie"], "Valerie": ["Val"], "Vincent": ["Vince"],
    # German
    "Johannes": ["Hans", "Jo", "Hannes"], "Johann": ["Hans"], "Wolfgang": ["Wolf"], "Friedrich": ["Fritz"],
    "Matthias": ["Matze", "Matti"], "Andreas": ["Andi"], "Katharina": ["Kathi", "Katja"],
    "Elisabeth": ["Lisa", "Liesl", "Sisi"], "Margarete": ["Grete", "Gretel"], "Susanne": ["Susi"],
    "Franziska": ["Franzi"], "Magdalena": ["Lena", "Leni"], "Wilhelm": ["Willi"], "Heinrich": ["Heinz", "Heiner"],
    "Joachim": ["Jochen", "Achim"], "Maximilian": ["Max"], "Nikolaus": ["Klaus", "Niko"], "Daniela": ["Dani"],
    "Gabriele": ["Gabi"], "Ulrich": ["Uli"], "Karl-Heinz": ["Kalle"], "Hans-Peter": ["HP"],
    "Cornelia": ["Conny"], "Christiane": ["Jane", "Chrissi"], "Sebastian": ["Basti"], "Tobias": ["Tobi"],
    "Dominik": ["Dome"], "Bernhard": ["Bernd"], "Gottfried": ["Friedl"], "Ludwig": ["Lutz"],
    # French
    "Jean-Pierre": ["J-P", "JP", "Jean Pierre"], "Jean-Baptiste": ["JB"], "Jean-Luc": ["J-L"],
    "Jean-Marc": ["J-M"], "Jean-François": ["J-F"], "Frédéric": ["Fred"], "Alexandre": ["Alex"],
    "Christophe": ["Chris"], "Nicolas": ["Nico"], "Isabelle": ["Isa"], "Dominique": ["Dom"],
    "Philippe": ["Phil"], "Mathieu": ["Matt"], "Sébastien": ["Seb"], "Emmanuel": ["Manu"],
    "Emmanuelle": ["Manu"], "Stéphanie": ["Steph"], "Véronique": ["Véro"], "Aurélie": ["Aurel"],
    "Valérie": ["Val"], "Maximilien": ["Max"], "Joséphine": ["Josie", "Fifi"], "Charlotte": ["Charlie"],
    "Guillaume": ["Guigui"], "Benoît": ["Ben"], "Anne-Sophie": ["Anne-So"], "Marie-Christine": ["Marie"],
    # Indonesian
    "Putri": ["Put", "Puput"], "Agus": ["Gus"], "Bambang": ["Bams"], "Rahmat": ["Mamat"],
    "Kurniawan": ["Wawan"], "Setiawan": ["Wawan"], "Hermawan": ["Wawan"], "Darmawan": ["Wawan"],
    "Slamet": ["Met"], "Rahayu": ["Ayu"], "Kartika": ["Tika"], "Anggraini": ["Anggi"], "Cahyono": ["Yono"],
    "Fitriani": ["Fitri"], "Nurhayati": ["Nur"], "Yohanes": ["Yo", "Anes"], "Wahyu": ["Yayu"],
    "Bagus": ["Gus"], "Indra": ["Indra"], "Dewi": ["Wiwi"], "Aditya": ["Adit"], "Galih": ["Galih"],
    "Hendra": ["Hen"], "Rudi": ["Rud"], "Sulistyowati": ["Lis"], "Eka": ["Eka"], "Sari": ["Sari"],
    # Malaysian
    "Muhammad": ["Mohd", "Muhd", "Mohamad", "Mohammad"], "Mohamad": ["Mohd", "Mohammad"],
    "Abdul Rahman": ["Rahman", "Abd Rahman"], "Nur Aisyah": ["Aisyah", "Nur"], "Siti Aminah": ["Aminah", "Siti"],
    "Siti Nurhaliza": ["Nurhaliza", "Siti"], "Nurul Huda": ["Huda"], "Zulkifli": ["Zul"],
    "Khairul": ["Khai"], "Syafiq": ["Afiq"], "Norhayati": ["Yati"], "Hafiz": ["Apis"],
}

# ---------------------------------------------------------------------------------------------
# Malaysian names (no Faker locale): Malay with bin/binti, Chinese, Indian with a/l, a/p.
# ---------------------------------------------------------------------------------------------
MY_MALAY_M = ["Muhammad", "Ahmad", "Mohamad", "Abdul Rahman", "Ismail", "Hafiz", "Faizal", "Azman", "Hakim",
              "Amir", "Aiman", "Syafiq", "Zulkifli", "Rizal", "Fadzil", "Khairul", "Nizam", "Firdaus", "Hisham",
              "Razak", "Yusof", "Hamzah", "Iskandar", "Danial", "Haziq", "Irfan", "Shahrul", "Kamal", "Azlan",
              "Rosli", "Ariff", "Farid", "Hazwan", "Idris", "Jamal", "Mazlan", "Nazri", "Osman", "Rashid", "Salleh"]
MY_MALAY_F = ["Nur Aisyah", "Siti Nurhaliza", "Nurul Huda", "Aishah", "Fatimah", "Zainab", "Noraini", "Siti Aminah",
              "Farah", "Nadia", "Aminah", "Rohana", "Norhayati", "Salmah", "Azlina", "Suraya", "Hidayah", "Syazwani",
              "Izzati", "Balqis", "Nabila", "Amirah", "Hanis", "Zarina", "Liyana", "Najwa", "Rosnah", "Sharifah",
              "Wani", "Zulaikha"]
MY_MALAY_WEIGHT_M = {"Muhammad": 8, "Ahmad": 5, "Mohamad": 3}
MY_CHINESE_SURNAMES = [("Tan", 12), ("Lim", 10), ("Lee", 9), ("Ng", 6), ("Wong", 8), ("Chan", 5), ("Goh", 4),
                       ("Ong", 4), ("Teo", 3), ("Chong", 3), ("Yap", 3), ("Leong", 3), ("Low", 3), ("Khoo", 2),
                       ("Cheah", 2), ("Foo", 2), ("Ho", 3), ("Chin", 2), ("Loh", 2), ("Liew", 2), ("Yeoh", 2),
                       ("Tay", 2), ("Koh", 3), ("Chua", 2), ("Lau", 3)]
MY_CHINESE_SYLLABLES = ["Wei", "Ming", "Mei", "Ling", "Kok", "Wai", "Siew", "Lan", "Jia", "Hui", "Chee", "Keong",
                        "Boon", "Huat", "Li", "Ying", "Min", "Kah", "Seng", "Xin", "Yi", "Zhi", "Hao", "Jun", "Kit",
                        "Yee", "Pei", "Shan", "Soon", "Chin", "Eng", "Hock", "Guan", "Beng", "Hong", "Kim", "Choon",
                        "Kheng", "Yong", "Sze"]
MY_ENGLISH_M = ["Jason", "Kelvin", "Alvin", "Melvin", "Jeremy", "Daniel", "Eric", "Vincent", "Jacky", "Brandon",
                "Terence", "Desmond", "Marcus", "Nicholas", "Sean"]
MY_ENGLISH_F = ["Michelle", "Cheryl", "Jessica", "Vivian", "Grace", "Rachel", "Joanne", "Evelyn", "Karen", "Crystal",
                "Serene", "Winnie", "Jasmine", "Cindy"]
MY_INDIAN_M = ["Ramesh", "Suresh", "Ganesh", "Kumar", "Rajesh", "Murugan", "Arjun", "Vijay", "Karthik", "Siva",
               "Prakash", "Anand", "Sanjay", "Ravi", "Mohan", "Selvam", "Dinesh", "Naveen"]
MY_INDIAN_F = ["Priya", "Kavitha", "Lakshmi", "Devi", "Anita", "Shanti", "Meena", "Revathi", "Sangeetha",
               "Kalaivani", "Nirmala", "Geetha", "Thilaga", "Vani"]
MY_INDIAN_FATHERS = ["Subramaniam", "Muthu", "Krishnan", "Raman", "Govindasamy", "Arumugam", "Rajoo", "Maniam",
                     "Nair", "Pillai", "Ramasamy", "Velu", "Sinnathamby", "Balakrishnan", "Perumal", "Kannan"]
MY_COMPANY_WORDS = ["Maju", "Jaya", "Sinar", "Permata", "Gemilang", "Bintang", "Cahaya", "Harmoni", "Mega", "Utama",
                    "Sejahtera", "Teguh", "Mutiara", "Setia", "Wawasan", "Perdana", "Indah", "Murni", "Cemerlang"]
MY_COMPANY_KINDS = ["Holdings", "Trading", "Engineering", "Enterprise", "Technologies", "Logistics", "Properties",
                    "Resources", "Industries", "Construction", "Services", "Plantations", "Solutions"]
MY_LEGAL = ["Sdn Bhd", "Sdn Bhd", "Sdn Bhd", "Sdn. Bhd.", "Berhad", "Enterprise"]

# Street names for en_GB / en_US, in their real styles (Faker's English street suffixes are
# US-Census-like: "Burgs", "Forks", "Mission" - not what a British address looks like).
GB_STREET_SUFFIXES = [("Road", 20), ("Street", 14), ("Lane", 8), ("Avenue", 7), ("Close", 7), ("Drive", 6),
                      ("Gardens", 4), ("Way", 4), ("Crescent", 3), ("Grove", 3), ("Place", 3), ("Terrace", 3),
                      ("Court", 2), ("Hill", 2), ("Park", 2), ("Square", 1), ("Mews", 1), ("Row", 1)]
US_STREET_SUFFIXES = [("Street", 18), ("Avenue", 12), ("Road", 8), ("Drive", 9), ("Lane", 5), ("Boulevard", 3),
                      ("Court", 4), ("Place", 3), ("Way", 4), ("Circle", 2), ("Parkway", 1), ("Terrace", 1)]
ENGLISH_STREET_WORDS = ["Oak", "Maple", "Cedar", "Pine", "Elm", "Church", "Mill", "Park", "Station", "High", "Main",
                        "Victoria", "Queens", "Kings", "North", "South", "West", "Lake", "Hill", "Manor", "Orchard",
                        "Willow", "Chestnut", "Meadow", "Spring", "Highland", "Sunset", "Ridge", "Forest", "River",
                        "Washington", "Lincoln", "Jefferson", "Franklin", "Madison", "Grove", "Bridge", "Castle"]
ABBREVIATIONS = {
    "en_GB": [("Road", "Rd"), ("Street", "St"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Close", "Cl"), ("Drive", "Dr"),
              ("Gardens", "Gdns"), ("Crescent", "Cres"), ("Terrace", "Terr"), ("Place", "Pl"), ("Court", "Ct"),
              ("Square", "Sq")],
    "en_US": [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"),
              ("Boulevard", "Blvd"), ("Court", "Ct"), ("Place", "Pl"), ("Parkway", "Pkwy"), ("Circle", "Cir"),
              ("Terrace", "Ter"), ("North ", "N "), ("South ", "S "), ("East ", "E "), ("West ", "W ")],
    "de_DE": [("straße", "str."), ("Straße", "Str."), ("straße", "strasse"), ("Platz", "Pl."), ("Allee", "Al.")],
    "fr_FR": [("rue ", "r. "), ("avenue ", "av. "), ("boulevard ", "bd "), ("place ", "pl. "), ("chemin ", "ch. "),
              ("allée ", "all. "), ("impasse ", "imp. "), ("Saint-", "St-")],
    "id_ID": [("Jalan ", "Jl. "), ("Jl. ", "Jalan "), ("Gang ", "Gg. "), ("Gg. ", "Gang ")],
    "ms_MY": [("Jalan ", "Jln "), ("Jln ", "Jalan "), ("Lorong ", "Lrg "), ("Taman ", "Tmn ")],
}

# Country as each source writes it.
COUNTRY_NAMES = {"GB": "United Kingdom", "US": "United States", "DE": "Germany", "FR": "France", "ID": "Indonesia",
                 "MY": "Malaysia"}
COUNTRY_ISO3 = {"GB": "GBR", "US": "USA", "DE": "DEU", "FR": "FRA", "ID": "IDN", "MY": "MYS"}
COUNTRY_FREE_TEXT = {
    "GB": [("UK", 30), ("United Kingdom", 25), ("England", 15), ("Great Britain", 8), ("GB", 8), ("U.K.", 5),
           ("Britain", 3)],
    "US": [("USA", 35), ("United States", 25), ("US", 15), ("U.S.A.", 8), ("United States of America", 10),
           ("America", 2)],
    "DE": [("Deutschland", 40), ("Germany", 35), ("DE", 10), ("Allemagne", 3), ("BRD", 2), ("Federal Republic of Germany", 2)],
    "FR": [("France", 70), ("FR", 10), ("Frankreich", 5), ("République française", 3)],
    "ID": [("Indonesia", 75), ("ID", 8), ("Republik Indonesia", 5), ("INDONESIA", 7)],
    "MY": [("Malaysia", 80), ("MY", 8), ("MALAYSIA", 7), ("Malaysia (MY)", 2)],
}

# Leading subscriber digits in use per (country, area code or mobile prefix): numbering-plan ranges as
# libphonenumber's metadata has them (probed once; areas not listed take any of 2-9). Without them some
# generated numbers fall into unallocated ranges (0115 5..., 029 9..., 011-8... in Malaysia, 0694 = Guyane).
SUBSCRIBER_LEADS = {
    ('GB', '20'): ['3', '7', '8'],
    ('GB', '121'): ['2', '3', '4', '5', '6', '7', '80', '81', '82', '83'],
    ('GB', '161'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '113'): ['2', '3', '4', '5', '8'],
    ('GB', '141'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '151'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '114'): ['2', '3', '4', '5', '70'],
    ('GB', '117'): ['2', '3', '4', '9'],
    ('GB', '131'): ['2', '3', '4', '5', '6', '7', '8'],
    ('GB', '29'): ['2'],
    ('GB', '116'): ['2', '3', '4', '50', '51'],
    ('GB', '115'): ['2', '6', '7', '8', '9'],
    ('GB', '191'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '28'): ['2', '3', '4', '6', '7', '8', '9'],
    ('GB', '24'): ['7'],
    ('GB', '1273'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '23'): ['8', '9'],
    ('GB', '118'): ['2', '3', '4', '9'],
    ('GB', '1865'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '1223'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '1904'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '1603'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('FR', '1'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('FR', '4'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('FR', '5'): ['2', '3', '4', '5', '6', '7', '8', '91', '92', '93', '95', '96', '97', '98', '99'],
    ('FR', '2'): ['2', '3', '4', '5', '60', '61', '63', '64', '65', '66', '67', '68', '69', '7', '8', '9'],
    ('FR', '3'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('MY', '3'): ['20', '21', '22', '23', '26', '27', '28', '29', '30', '31', '32', '33', '36', '38', '40', '41', '42', '47', '48', '50', '51', '52', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '66', '67', '71', '72', '74', '76', '77', '78', '79', '8', '90', '91', '92', '93', '94', '95', '97'],
    ('MY', '7'): ['2', '30', '33', '34', '35', '36', '38', '40', '41', '42', '43', '44', '45', '46', '47', '48', '5', '65', '66', '67', '68', '69', '7', '80', '81', '82', '83', '85', '86', '87', '88', '89', '9'],
    ('MY', '4'): ['20', '21', '22', '23', '24', '25', '26', '28', '29', '3', '4', '5', '6', '7', '81', '82', '83', '85', '86', '88', '89', '9'],
    ('MY', '5'): ['20', '21', '22', '23', '24', '25', '28', '29', '3', '4', '50', '51', '52', '53', '54', '58', '59', '6', '71', '72', '73', '74', '75', '76', '77', '78', '79', '8', '92', '93'],
    ('MY', '82'): ['2', '3', '4', '5', '6', '7', '8'],
    ('MY', '88'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('MY', '6'): ['22', '23', '24', '25', '26', '27', '28', '29', '31', '33', '35', '37', '38', '39', '4', '50', '51', '52', '53', '54', '55', '56', '6', '70', '71', '72', '73', '75', '76', '77', '78', '79', '85', '90', '91', '95', '96', '97', '98'],
    ('MY', '9'): ['2', '30', '31', '32', '33', '34', '35', '36', '37', '38', '40', '41', '42', '43', '44', '45', '46', '47', '48', '5', '6', '7', '80', '81', '82', '83', '84', '85', '86', '87', '88', '90', '91', '92', '93', '94', '95', '96', '97', '98'],
    ('FR', '6'): ['2', '30', '31', '32', '33', '34', '35', '36', '37', '38', '4', '5', '6', '7', '8', '95', '98', '99'],
    ('MY', '11'): ['2', '3', '4', '5', '61', '62', '63', '64', '65', '66', '67', '68', '69', '70', '71', '72', '73', '74'],
    ('MY', '13'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('MY', '14'): ['2', '3', '5', '6', '7', '8', '9'],
    ('MY', '17'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('MY', '18'): ['2', '3', '40', '46', '57', '58', '59', '6', '70', '71', '76', '77', '78', '79', '80', '81', '90', '91', '92', '93', '94', '95', '96', '97', '98'],
    ('MY', '12'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('MY', '16'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('MY', '19'): ['2', '3', '4', '5', '6', '7', '8', '9'],
    ('GB', '77'): ['1', '2', '3', '4', '5', '6', '7', '8', '9', '01', '02', '03', '04', '05', '06', '07', '08', '09'],
    ('GB', '79'): ['0', '2', '3', '4', '5', '6', '7', '8', '9', '10', '12', '13', '14', '15', '16', '17', '18', '19'],
}
