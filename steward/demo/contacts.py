"""Reference lists: where the demo's people live, work and are reached.

Cities, streets, email providers, invented employers, job titles and phone
prefixes per country. Pure data, like ``names``; split from it only to keep each
list module readable.
"""

from __future__ import annotations

CITIES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {  # country: (city, region, postcode prefixes)
    "DE": [("Berlin", "Berlin", ("10", "12", "13", "14")), ("Hamburg", "Hamburg", ("20", "21", "22")),
           ("München", "Bayern", ("80", "81")), ("Köln", "Nordrhein-Westfalen", ("50", "51")),
           ("Frankfurt am Main", "Hessen", ("60",)), ("Stuttgart", "Baden-Württemberg", ("70",)),
           ("Düsseldorf", "Nordrhein-Westfalen", ("40",)), ("Leipzig", "Sachsen", ("04",)),
           ("Dresden", "Sachsen", ("01",)), ("Nürnberg", "Bayern", ("90",)), ("Hannover", "Niedersachsen", ("30",)),
           ("Bremen", "Bremen", ("28",))],
    "FR": [("Paris", "Île-de-France", ("75",)), ("Lyon", "Auvergne-Rhône-Alpes", ("69",)),
           ("Marseille", "Provence-Alpes-Côte d'Azur", ("13",)), ("Toulouse", "Occitanie", ("31",)),
           ("Nice", "Provence-Alpes-Côte d'Azur", ("06",)), ("Nantes", "Pays de la Loire", ("44",)),
           ("Strasbourg", "Grand Est", ("67",)), ("Bordeaux", "Nouvelle-Aquitaine", ("33",)),
           ("Lille", "Hauts-de-France", ("59",)), ("Montpellier", "Occitanie", ("34",))],
    "ES": [("Madrid", "Comunidad de Madrid", ("28",)), ("Barcelona", "Cataluña", ("08",)),
           ("Valencia", "Comunitat Valenciana", ("46",)), ("Sevilla", "Andalucía", ("41",)),
           ("Zaragoza", "Aragón", ("50",)), ("Málaga", "Andalucía", ("29",)), ("Bilbao", "País Vasco", ("48",)),
           ("A Coruña", "Galicia", ("15",)), ("Palma", "Illes Balears", ("07",))],
    "GB": [("London", "Greater London", ("SW1A", "SW3", "EC1A", "N1", "E14", "W1D", "SE1", "NW1")),
           ("Manchester", "Greater Manchester", ("M1", "M4", "M20")), ("Birmingham", "West Midlands", ("B1", "B15")),
           ("Leeds", "West Yorkshire", ("LS1", "LS6")), ("Glasgow", "Scotland", ("G1", "G12")),
           ("Edinburgh", "Scotland", ("EH1", "EH3")), ("Bristol", "Bristol", ("BS1", "BS8")),
           ("Liverpool", "Merseyside", ("L1", "L8")), ("Cardiff", "Wales", ("CF10", "CF24"))],
    "US": [("New York", "NY", ("100", "101", "102")), ("San Francisco", "CA", ("941",)),
           ("Los Angeles", "CA", ("900",)), ("Chicago", "IL", ("606",)), ("Houston", "TX", ("770",)),
           ("Seattle", "WA", ("981",)), ("Boston", "MA", ("021",)), ("Austin", "TX", ("787",)),
           ("Denver", "CO", ("802",)), ("Miami", "FL", ("331",))],
    "ID": [("Jakarta", "DKI Jakarta", ("10", "11", "12")), ("Surabaya", "Jawa Timur", ("60",)),
           ("Bandung", "Jawa Barat", ("40",)), ("Medan", "Sumatera Utara", ("20",)),
           ("Semarang", "Jawa Tengah", ("50",)), ("Yogyakarta", "DI Yogyakarta", ("55",)),
           ("Denpasar", "Bali", ("80",)), ("Makassar", "Sulawesi Selatan", ("90",))],
    "IN": [("Mumbai", "Maharashtra", ("400",)), ("New Delhi", "Delhi", ("110",)), ("Bengaluru", "Karnataka", ("560",)),
           ("Chennai", "Tamil Nadu", ("600",)), ("Hyderabad", "Telangana", ("500",)), ("Pune", "Maharashtra", ("411",)),
           ("Kolkata", "West Bengal", ("700",)), ("Ahmedabad", "Gujarat", ("380",))],
    "PL": [("Warszawa", "mazowieckie", ("00", "01", "02", "03", "04")), ("Kraków", "małopolskie", ("30", "31")),
           ("Łódź", "łódzkie", ("90", "91", "93")), ("Wrocław", "dolnośląskie", ("50", "51", "53")),
           ("Poznań", "wielkopolskie", ("60", "61")), ("Gdańsk", "pomorskie", ("80",)),
           ("Szczecin", "zachodniopomorskie", ("70", "71")), ("Katowice", "śląskie", ("40",))],
    "BR": [("São Paulo", "SP", ("01", "02", "04", "05")), ("Rio de Janeiro", "RJ", ("20", "22")),
           ("Belo Horizonte", "MG", ("30", "31")), ("Brasília", "DF", ("70", "71")), ("Salvador", "BA", ("40", "41")),
           ("Curitiba", "PR", ("80", "81")), ("Porto Alegre", "RS", ("90", "91")), ("Recife", "PE", ("50", "51"))],
    "NL": [("Amsterdam", "Noord-Holland", ("10", "11")), ("Rotterdam", "Zuid-Holland", ("30", "31")),
           ("Den Haag", "Zuid-Holland", ("25",)), ("Utrecht", "Utrecht", ("35",)), ("Eindhoven", "Noord-Brabant", ("56",)),
           ("Groningen", "Groningen", ("97",)), ("Tilburg", "Noord-Brabant", ("50",)), ("Haarlem", "Noord-Holland", ("20",))],
}

STREETS: dict[str, list[str]] = {
    "DE": ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Goethestraße", "Lindenallee", "Am Markt",
           "Kirchweg", "Mühlenweg", "Berliner Straße", "Friedrichstraße", "Schloßallee", "Rosenstraße", "Waldweg",
           "Dorfstraße", "Königsallee", "Beethovenstraße", "Parkstraße", "Ringstraße", "Jahnstraße"],
    "FR": ["rue de la Paix", "rue Victor Hugo", "avenue des Champs-Élysées", "boulevard Saint-Germain",
           "rue de Rivoli", "place de la République", "rue du Faubourg Saint-Honoré", "chemin des Vignes",
           "allée des Tilleuls", "rue Pasteur", "quai de la Tournelle", "impasse des Lilas", "rue Jean Jaurès",
           "avenue Foch", "rue de la Gare"],
    "ES": ["Calle Mayor", "Gran Vía", "Paseo de la Castellana", "Calle de Alcalá", "Avenida Diagonal", "Calle Real",
           "Plaza de España", "Calle San Fernando", "Avenida de la Constitución", "Calle del Prado", "Rambla Nova",
           "Calle Larios", "Avenida de América", "Calle Serrano"],
    "GB": ["High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road", "Park Avenue",
           "Queen's Road", "Mill Lane", "King Street", "The Crescent", "Baker Street", "London Road", "Springfield Road"],
    "US": ["Main Street", "Oak Avenue", "Maple Drive", "Elm Street", "Washington Boulevard", "Park Place", "Cedar Lane",
           "Sunset Boulevard", "Lakeview Drive", "Broadway", "Pine Street", "2nd Avenue", "Market Street",
           "Highland Avenue"],
    "ID": ["Jl. Sudirman", "Jl. Thamrin", "Jl. Gatot Subroto", "Jl. Diponegoro", "Jl. Merdeka", "Jl. Ahmad Yani",
           "Jl. Gajah Mada", "Jl. Asia Afrika", "Jl. Malioboro", "Jl. Pemuda", "Jl. Kebon Jeruk", "Jl. Cendrawasih"],
    "IN": ["MG Road", "Linking Road", "Park Street", "Brigade Road", "Anna Salai", "Nehru Place", "FC Road",
           "Residency Road", "Hill Road", "Carter Road", "Church Street", "Station Road"],
    "PL": ["ul. Marszałkowska", "ul. Piotrkowska", "ul. Floriańska", "al. Jerozolimskie", "ul. Długa",
           "ul. Świętokrzyska", "ul. Nowy Świat", "ul. Grunwaldzka", "ul. Mickiewicza", "ul. Kościuszki",
           "ul. Słowackiego", "ul. Żeromskiego"],
    "BR": ["Rua Augusta", "Avenida Paulista", "Rua Oscar Freire", "Avenida Atlântica", "Rua das Flores",
           "Rua XV de Novembro", "Avenida Brasil", "Rua da Consolação", "Avenida Sete de Setembro", "Rua Haddock Lobo",
           "Rua São João", "Avenida Getúlio Vargas"],
    "NL": ["Kalverstraat", "Damrak", "Prinsengracht", "Keizersgracht", "Coolsingel", "Oudegracht", "Stationsplein",
           "Dorpsstraat", "Kerkstraat", "Molenweg", "Lange Voorhout", "Herengracht", "Nieuwstraat", "Schoolstraat"],
}

# Street spelt short the way some systems store it.
STREET_ABBREVIATIONS = (("straße", "str."), ("Straße", "Str."), ("Street", "St"), ("Avenue", "Ave"),
                        ("Road", "Rd"), ("Boulevard", "Blvd"), ("Drive", "Dr"), ("Lane", "Ln"), ("avenue", "av."),
                        ("boulevard", "bd"), ("Avenida", "Av."), ("Calle", "C/"), ("Rua", "R."), ("gracht", "gr."))

EMAIL_PROVIDERS: dict[str, tuple[tuple[str, int], ...]] = {
    "DE": (("gmx.de", 5), ("web.de", 5), ("gmail.com", 5), ("googlemail.com", 2), ("t-online.de", 3),
           ("outlook.com", 1), ("yahoo.de", 1)),
    "FR": (("orange.fr", 5), ("gmail.com", 6), ("hotmail.fr", 3), ("free.fr", 3), ("yahoo.fr", 1), ("outlook.com", 1)),
    "ES": (("gmail.com", 8), ("hotmail.es", 3), ("yahoo.es", 2), ("telefonica.net", 1), ("outlook.com", 1)),
    "GB": (("gmail.com", 6), ("yahoo.co.uk", 3), ("outlook.com", 2), ("btinternet.com", 2), ("hotmail.co.uk", 2)),
    "US": (("gmail.com", 8), ("yahoo.com", 4), ("outlook.com", 2), ("hotmail.com", 2), ("aol.com", 1),
           ("icloud.com", 1)),
    "ID": (("gmail.com", 9), ("yahoo.co.id", 3), ("yahoo.com", 1)),
    "IN": (("gmail.com", 9), ("yahoo.co.in", 2), ("rediffmail.com", 2), ("outlook.com", 1)),
    "PL": (("wp.pl", 4), ("onet.pl", 3), ("gmail.com", 5), ("o2.pl", 2), ("interia.pl", 1)),
    "BR": (("gmail.com", 8), ("hotmail.com", 3), ("uol.com.br", 2), ("bol.com.br", 1), ("yahoo.com.br", 1)),
    "NL": (("gmail.com", 6), ("ziggo.nl", 2), ("kpnmail.nl", 2), ("outlook.com", 2), ("hotmail.nl", 1)),
}
EMAIL_TYPO_DOMAINS = {"gmail.com": ("gmial.com", "gmai.com", "gmail.co", "gamil.com"),
                      "googlemail.com": ("googlemial.com", "googlemail.co"),
                      "hotmail.com": ("hotmial.com", "hotmal.com"), "hotmail.fr": ("hotmial.fr",),
                      "hotmail.es": ("hotmial.es",), "hotmail.co.uk": ("hotmial.co.uk",), "hotmail.nl": ("hotmial.nl",),
                      "yahoo.com": ("yaho.com", "yahooo.com"), "yahoo.de": ("yaho.de",), "yahoo.fr": ("yaho.fr",),
                      "yahoo.es": ("yaho.es",), "yahoo.co.uk": ("yaho.co.uk",), "outlook.com": ("outlok.com",)}
# Providers that deliver "name+tag@" to "name@" (sub-addressing); only these get +tags.
PLUS_ADDRESSING = ("@gmail.com", "@googlemail.com", "@outlook.com", "@hotmail.com", "@hotmail.fr", "@hotmail.es",
                   "@hotmail.co.uk", "@hotmail.nl", "@icloud.com")
EMAIL_TAGS = ("shop", "news", "newsletter", "events", "promo", "2023", "crm", "spam", "work")

TLD = {"DE": "de", "FR": "fr", "ES": "es", "GB": "co.uk", "US": "com", "ID": "co.id", "IN": "in", "PL": "pl",
       "BR": "com.br", "NL": "nl"}
# Company = base + sector (+ legal form). Invented names; the domain is the two slugged.
COMPANY_PARTS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "DE": (["Nordwind", "Alpenblick", "Rheinland", "Elbtal", "Schwarzwald", "Hanse", "Isar", "Spree", "Brandt & Söhne",
            "Kaiser", "Adler", "Falken", "Sonnenhof", "Lindner", "Weser", "Mainfranken", "Eichen", "Silberberg",
            "Grünwald", "Ostsee"],
           ["Logistik", "Software", "Maschinenbau", "Energie", "Consulting", "Medien", "Handel", "Bau", "Pharma",
            "Versicherung"], ["GmbH", "AG", "GmbH & Co. KG"]),
    "FR": (["Bellevue", "Lumière", "Azur", "Horizon", "Atlantique", "Provence", "Mistral", "Étoile", "Alpina", "Loire",
            "Normandie", "Vauban", "Saint-Clair", "Beaulieu", "Montmartre"],
           ["Logistique", "Informatique", "Ingénierie", "Énergie", "Conseil", "Médias", "Distribution", "Construction"],
           ["SAS", "S.A.", "SARL"]),
    "ES": (["Solana", "Mediterránea", "Cantábrica", "Sierra", "Alhambra", "Costa", "Castilla", "Galaica", "Levante",
            "Tajo", "Ebro", "Guadalquivir", "Pirineos", "Montaña", "Albufera"],
           ["Logística", "Software", "Ingeniería", "Energía", "Consultoría", "Medios", "Comercial", "Construcciones"],
           ["S.L.", "S.A."]),
    "GB": (["Thames", "Pennine", "Highland", "Cotswold", "Albion", "Windsor", "Kingsbridge", "Mersey", "Severn",
            "Oakridge", "Ashford", "Redwood", "Bramley", "Fenwick", "Hartley"],
           ["Logistics", "Software", "Engineering", "Energy", "Consulting", "Media", "Trading", "Construction"],
           ["Ltd", "PLC", "Ltd."]),
    "US": (["Pinecrest", "Summit", "Liberty", "Bluewater", "Ironclad", "Silverline", "Granite", "Evergreen",
            "Lakeshore", "Northstar", "Keystone", "Frontier", "Pioneer", "Harbor", "Canyon"],
           ["Logistics", "Software", "Engineering", "Energy", "Consulting", "Media", "Trading", "Construction"],
           ["Inc.", "LLC", "Corp."]),
    "ID": (["Nusantara", "Garuda", "Cahaya", "Bintang", "Samudra", "Mahkota", "Karya", "Mitra", "Sentosa",
            "Jaya Abadi", "Surya", "Bumi", "Cendana", "Rajawali", "Permata"],
           ["Logistik", "Teknologi", "Energi", "Konsultan", "Media", "Niaga", "Konstruksi", "Farmasi"],
           ["", "Tbk"]),
    "IN": (["Sagar", "Indus", "Himalaya", "Ganga", "Lotus", "Kaveri", "Deccan", "Saffron", "Vayu", "Agni", "Narmada",
            "Shakti", "Tara", "Orion", "Sahyadri"],
           ["Logistics", "Infotech", "Engineering", "Power", "Consulting", "Media", "Traders", "Builders", "Pharma"],
           ["Pvt. Ltd.", "Ltd."]),
    "PL": (["Wisła", "Mazovia", "Bałtyk", "Tatry", "Orzeł", "Polan", "Sokół", "Warta", "Odra", "Karpaty", "Jantar",
            "Kopernik", "Wawel", "Zefir", "Mazury"],
           ["Logistyka", "Software", "Inżynieria", "Energia", "Doradztwo", "Media", "Handel", "Budownictwo"],
           ["Sp. z o.o.", "S.A."]),
    "BR": (["Amazônia", "Cerrado", "Pantanal", "Atlântica", "Paraná", "Ipê", "Jequitibá", "Guanabara", "Tupã",
            "Horizonte", "Aurora", "Cruzeiro", "Sertão", "Caiçara", "Vitória"],
           ["Logística", "Tecnologia", "Engenharia", "Energia", "Consultoria", "Mídia", "Comércio", "Construções"],
           ["Ltda.", "S.A."]),
    "NL": (["Oranje", "Delta", "Polder", "Tulp", "Molen", "Zeeland", "Noordzee", "Veluwe", "Amstel", "Maas", "Rijn",
            "Dijk", "Wadden", "Gouda", "Hollandia"],
           ["Logistiek", "Software", "Techniek", "Energie", "Advies", "Media", "Handel", "Bouw"], ["B.V.", "N.V."]),
}

JOB_TITLES = ["Sales Manager", "Software Engineer", "Head of Marketing", "CEO", "CFO", "Procurement Lead",
              "Account Executive", "Data Analyst", "Project Manager", "Office Manager", "HR Business Partner",
              "Consultant", "Product Owner", "Operations Director", "Customer Success Manager", "Key Account Manager",
              "CTO", "Marketing Specialist", "Purchasing Assistant", "IT Administrator"]
LOCAL_JOB_TITLES = {"DE": ["Geschäftsführer", "Einkaufsleiterin", "Vertriebsleiter", "Sachbearbeiterin"],
                    "FR": ["Directeur commercial", "Ingénieure", "Chef de projet", "Responsable achats"],
                    "ES": ["Jefe de ventas", "Directora financiera", "Ingeniero de software"],
                    "PL": ["Kierownik projektu", "Specjalista ds. zakupów", "Dyrektor sprzedaży"],
                    "BR": ["Gerente de TI", "Diretora comercial", "Analista de compras"],
                    "NL": ["Inkoper", "Accountmanager", "Directeur"]}

# Leading digits per country and line type; the rest of the national number is
# random, with the length of phonenumbers' example number, and then validated.
PHONE_PREFIXES = {
    "mobile": {"DE": ("151", "152", "157", "160", "170", "171", "172", "176"), "FR": ("6", "7"), "ES": ("6",),
               "GB": ("74", "75", "77", "78", "79"),
               "US": ("212", "415", "312", "617", "206", "305", "512", "303", "646", "213", "713"),
               "ID": ("812", "813", "821", "852", "878"), "IN": ("98", "99", "90", "81", "70"),
               "PL": ("50", "51", "53", "60", "66", "69", "72", "78", "88"),
               "BR": ("119", "219", "319", "619", "719", "419", "519", "819"), "NL": ("6",)},
    "fixed": {"DE": ("30", "40", "89", "69"), "FR": ("1", "2", "3", "4", "5"), "ES": ("91", "93", "96", "95"),
              "GB": ("20", "161", "121", "113", "141", "131", "117"),
              "US": ("212", "415", "312", "617", "206", "305", "512", "303", "718", "202"),
              "ID": ("21", "31", "22"), "IN": ("22", "11", "80", "44", "40"), "PL": ("22", "12", "42", "71", "61", "58"),
              "BR": ("112", "113", "213", "313", "613", "412", "513"), "NL": ("20", "10", "70", "30", "40")},
}
IDD_00 = {"DE", "FR", "ES", "GB", "IN", "PL", "NL"}  # countries that dial abroad with 00
