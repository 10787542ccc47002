"""Reference lists: the demo's countries and what people there are called.

Pure data (real first, last and city names; nothing drawn here). Separate from
the code that invents people so the lists can grow without touching the draws,
and so tests can read the country tables directly.
"""

from __future__ import annotations

COUNTRIES = ("DE", "FR", "ES", "GB", "US", "ID", "IN", "PL", "BR", "NL")
COUNTRY_WEIGHTS = (0.24, 0.10, 0.08, 0.12, 0.16, 0.07, 0.07, 0.06, 0.05, 0.05)
ISO3 = {"DE": "DEU", "FR": "FRA", "ES": "ESP", "GB": "GBR", "US": "USA", "ID": "IDN", "IN": "IND", "PL": "POL",
        "BR": "BRA", "NL": "NLD"}
ENGLISH_NAME = {"DE": "Germany", "FR": "France", "ES": "Spain", "GB": "United Kingdom", "US": "United States",
                "ID": "Indonesia", "IN": "India", "PL": "Poland", "BR": "Brazil", "NL": "Netherlands"}
# How the event sign-up form spells countries (free text, several languages): (label, weight).
COUNTRY_LABELS = {
    "DE": (("Germany", 6), ("Deutschland", 3), ("Allemagne", 1)),
    "FR": (("France", 9), ("Frankreich", 1)),
    "ES": (("Spain", 7), ("España", 2), ("Espagne", 1)),
    "GB": (("United Kingdom", 6), ("UK", 3), ("Great Britain", 1)),
    "US": (("United States", 5), ("USA", 4), ("United States of America", 1)),
    "ID": (("Indonesia", 9), ("Indonesien", 1)),
    "IN": (("India", 9), ("Inde", 1)),
    "PL": (("Poland", 7), ("Polska", 2), ("Pologne", 1)),
    "BR": (("Brazil", 7), ("Brasil", 2), ("Brésil", 1)),
    "NL": (("Netherlands", 6), ("The Netherlands", 2), ("Niederlande", 1), ("Pays-Bas", 1)),
}

_EN_MALE = ["Robert", "William", "Michael", "James", "Thomas", "Alexander", "Daniel", "Christopher", "Richard",
            "Joseph", "Edward", "Anthony", "Nicholas", "Samuel", "Benjamin", "Matthew", "Andrew", "Steven", "Timothy",
            "Jonathan", "Charles", "David", "Oliver", "Harry", "George", "Jack", "Seán", "Kevin", "Brian", "Eric"]
_EN_FEMALE = ["Katherine", "Elizabeth", "Jennifer", "Margaret", "Patricia", "Rebecca", "Victoria", "Susan", "Abigail",
              "Emily", "Olivia", "Sarah", "Jessica", "Ashley", "Hannah", "Grace", "Chloe", "Amelia", "Zoë", "Siobhán",
              "Laura", "Megan", "Rachel", "Natalie", "Lauren", "Amy", "Heather", "Nicole", "Claire", "Fiona"]

FIRST_NAMES: dict[str, tuple[list[str], list[str]]] = {  # country: (male, female)
    "DE": (["Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus", "Jürgen", "Jörg", "Uwe", "Klaus", "Lukas",
            "Jonas", "Felix", "Maximilian", "Sebastian", "Tobias", "Florian", "Matthias", "Björn", "Sören", "Günther",
            "Hans-Peter", "Karl-Heinz", "Alexander", "Daniel", "Wolfgang", "Dieter", "Frank", "Ralf", "Jens"],
           ["Sabine", "Petra", "Monika", "Ursula", "Claudia", "Susanne", "Katharina", "Julia", "Anna", "Lena", "Laura",
            "Sophie", "Hannah", "Lea", "Jana", "Birgit", "Gisela", "Zoë", "Käthe", "Dörte", "Anne-Marie", "Elisabeth",
            "Heike", "Kerstin", "Nicole", "Stefanie", "Andrea", "Martina", "Renate", "Jülide"]),
    "FR": (["Jean", "Pierre", "François", "Nicolas", "Julien", "Sébastien", "Mathieu", "Stéphane", "Jérôme", "Benoît",
            "Gaël", "Philippe", "Michel", "Laurent", "Olivier", "Thierry", "Éric", "Hugo", "Théo", "Antoine",
            "Jean-Luc", "Rémi", "Frédéric", "Loïc", "Cédric"],
           ["Marie", "Françoise", "Hélène", "Léa", "Chloé", "Élodie", "Amélie", "Camille", "Manon", "Inès", "Noémie",
            "Céline", "Anaïs", "Zoë", "Isabelle", "Nathalie", "Sophie", "Émilie", "Aurélie", "Mélanie", "Clémence",
            "Agnès", "Valérie", "Sylvie", "Maëlle"]),
    "ES": (["José", "Antonio", "Manuel", "Francisco", "Javier", "Alejandro", "Pablo", "Álvaro", "Raúl", "Andrés",
            "Sergio", "Jesús", "Ángel", "Íñigo", "Carlos", "Miguel", "David", "Jorge", "Rubén", "Adrián", "Óscar",
            "Joaquín", "Ramón", "Hugo", "Iván"],
           ["María", "Carmen", "Laura", "Lucía", "Sofía", "Marta", "Elena", "Inés", "Paula", "Nuria", "Begoña", "Ana",
            "Cristina", "Isabel", "Pilar", "Raquel", "Silvia", "Rocío", "Mónica", "Beatriz", "Alba", "Irene", "Noelia",
            "Ainhoa", "Mercedes"]),
    "GB": (_EN_MALE, _EN_FEMALE),
    "US": (_EN_MALE, _EN_FEMALE),
    "ID": (["Budi", "Agus", "Eko", "Andi", "Wahyu", "Fajar", "Hendra", "Rizky", "Yusuf", "Bayu", "Adi", "Joko",
            "Dedi", "Bambang", "Slamet", "Arif", "Dimas", "Teguh", "Rudi", "Hadi", "Irfan", "Gilang"],
           ["Siti", "Dewi", "Sri", "Rina", "Putri", "Ayu", "Dian", "Indah", "Nur", "Fitri", "Lestari", "Ratna", "Intan",
            "Wulan", "Maya", "Yuni", "Sari", "Kartika", "Nia", "Anisa", "Rahmawati", "Permata"]),
    "IN": (["Rahul", "Amit", "Vikram", "Arjun", "Rohan", "Sanjay", "Aditya", "Ravi", "Suresh", "Karthik", "Aarav",
            "Ishaan", "Rajesh", "Anil", "Manoj", "Vijay", "Nikhil", "Pranav", "Siddharth", "Harish", "Ganesh", "Venkat"],
           ["Priya", "Anjali", "Sneha", "Deepika", "Kavya", "Pooja", "Neha", "Lakshmi", "Divya", "Meera", "Ananya",
            "Sunita", "Aishwarya", "Shreya", "Radhika", "Swati", "Nandini", "Pallavi", "Rekha", "Geeta", "Asha",
            "Tanvi"]),
    "PL": (["Łukasz", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Wojciech", "Grzegorz",
            "Jerzy", "Stanisław", "Bartłomiej", "Andrzej", "Mateusz", "Kamil", "Rafał", "Adam", "Przemysław",
            "Zbigniew", "Sławomir", "Jacek"],
           ["Katarzyna", "Małgorzata", "Agnieszka", "Anna", "Magdalena", "Joanna", "Zofia", "Barbara", "Ewa", "Dorota",
            "Aleksandra", "Monika", "Justyna", "Beata", "Elżbieta", "Jadwiga", "Grażyna", "Żaneta", "Urszula",
            "Wiesława", "Halina", "Iwona"]),
    "BR": (["João", "José", "Lucas", "Gabriel", "Pedro", "Rafael", "Thiago", "Felipe", "Bruno", "Gustavo", "Vinícius",
            "Antônio", "Matheus", "Sebastião", "Leonardo", "Rodrigo", "Marcelo", "Eduardo", "Caio", "Otávio", "Luiz",
            "André"],
           ["Maria", "Ana", "Mariana", "Beatriz", "Camila", "Larissa", "Juliana", "Fernanda", "Letícia", "Luíza",
            "Conceição", "Patrícia", "Aline", "Bruna", "Gabriela", "Vitória", "Natália", "Lúcia", "Raquel", "Tatiane",
            "Débora", "Flávia"]),
    "NL": (["Jan", "Pieter", "Kees", "Daan", "Sem", "Bram", "Ruben", "Thijs", "Joris", "Wouter", "Sven", "Joost",
            "Henk", "Gert-Jan", "Bas", "Maarten", "Niels", "Jeroen", "Sander", "Koen", "Rutger", "Willem"],
           ["Lotte", "Sanne", "Emma", "Femke", "Anouk", "Maartje", "Eva", "Iris", "Noor", "Annelies", "Ingrid", "Marieke",
            "Esther", "Inge", "Sophie", "Floor", "Roos", "Mirjam", "Linda", "Ilse", "Nienke", "Wilma"]),
}

LAST_NAMES: dict[str, list[str]] = {
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
           "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
           "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
           "Lehmann", "Köhler", "Herrmann", "König", "Walter", "Huber", "Kaiser", "Fuchs", "Möller", "Weiß", "Jäger",
           "Groß", "Böhm", "Krämer", "Kühn", "Vogel", "Brandt", "Dietrich", "Engel", "Sauer", "Günther", "Lorenz",
           "Baumann", "Schuster", "Pfeiffer", "Seidel", "Heinrich", "Ziegler", "Voigt", "Scholz"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
           "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
           "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Legrand", "Garnier",
           "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Mathieu",
           "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez"],
    "ES": ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
           "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez",
           "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina",
           "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias",
           "Medina", "Garrido", "Cortés", "Castillo", "Santos", "Lozano", "Guerrero", "Cano", "Prieto"],
    "GB": ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
           "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
           "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
           "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "O'Connor", "MacDonald",
           "Allen", "Young", "Mitchell", "Bennett", "Watson", "Carter", "Phillips", "Shaw", "Fletcher"],
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
           "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Martin", "Lee",
           "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
           "Scott", "Nguyen", "Kim", "O'Brien", "Murphy", "Cohen", "Patel", "Chen", "Sullivan", "Hill", "Flores",
           "Green", "Adams", "Nelson", "Baker", "Rivera", "Campbell", "Mitchell", "Carter"],
    "ID": ["Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Setiawan", "Nugroho", "Susanto", "Halim",
           "Gunawan", "Wibowo", "Siregar", "Harahap", "Nasution", "Lubis", "Simanjuntak", "Sitompul", "Hakim",
           "Rahman", "Purnomo", "Utomo", "Suryadi", "Tanjung", "Sihombing", "Rahayu", "Hartono", "Kurniawan",
           "Permana", "Firmansyah", "Syahputra", "Ramadhan", "Wahyudi", "Prasetyo", "Sutanto", "Salim", "Lim",
           "Tanoto", "Irawan", "Putra"],
    "IN": ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi", "Rao", "Das",
           "Chatterjee", "Banerjee", "Verma", "Agarwal", "Malhotra", "Kapoor", "Pillai", "Menon", "Desai", "Shah",
           "Mishra", "Pandey", "Bose", "Khan", "Chopra", "Bhat", "Kulkarni", "Naidu", "Saxena", "Trivedi", "Yadav",
           "Sinha", "Mukherjee", "Ghosh", "Jain", "Krishnan", "Subramanian", "Chauhan"],
    "PL": ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
           "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
           "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński",
           "Wróbel", "Nowicki", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek",
           "Górski", "Pawlak", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
           "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
           "Rocha", "Dias", "Nascimento", "Araújo", "Moreira", "Cardoso", "Teixeira", "Cavalcanti", "Mendes", "Freitas",
           "Gonçalves", "Monteiro", "Correia", "Magalhães", "Batista", "Machado", "Assunção", "Brandão", "Peixoto",
           "Nogueira"],
    "NL": ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
           "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs",
           "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
           "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet"],
}

# Same full name, different people (the "Michael Smith" problem).
COMMON_NAMES: dict[str, list[tuple[str, str]]] = {
    "US": [("Michael", "Smith"), ("Jennifer", "Johnson")],
    "GB": [("James", "Smith"), ("Sarah", "Jones")],
    "ID": [("Budi", "Santoso"), ("Siti", "Rahayu")],
    "ES": [("María", "García"), ("José", "García")],
    "DE": [("Thomas", "Müller"), ("Anna", "Schmidt")],
    "FR": [("Marie", "Martin"), ("Jean", "Dubois")],
    "IN": [("Rahul", "Sharma"), ("Priya", "Patel")],
    "PL": [("Anna", "Nowak"), ("Piotr", "Kowalski")],
    "BR": [("João", "Silva"), ("Maria", "Santos")],
    "NL": [("Jan", "de Jong"), ("Sanne", "de Vries")],
}

# Formal given name -> the short forms people actually type.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"), "Katherine": ("Kate", "Kathy", "Katie"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Michael": ("Mike",), "James": ("Jim", "Jimmy", "Jamie"),
    "Thomas": ("Tom", "Tommy"), "Alexander": ("Alex",), "Daniel": ("Dan", "Danny"), "Christopher": ("Chris",),
    "Jennifer": ("Jen", "Jenny"), "Margaret": ("Maggie", "Peggy"), "Richard": ("Rick", "Dick"), "Joseph": ("Joe",),
    "Edward": ("Ed", "Ted", "Eddie"), "Patricia": ("Pat", "Trish"), "Anthony": ("Tony",), "Nicholas": ("Nick",),
    "Samuel": ("Sam",), "Benjamin": ("Ben",), "Rebecca": ("Becky",), "Victoria": ("Vicky",), "Susan": ("Sue",),
    "Matthew": ("Matt",), "Andrew": ("Andy", "Drew"), "Steven": ("Steve",), "Timothy": ("Tim",),
    "Jonathan": ("Jon",), "Charles": ("Charlie", "Chuck"), "Abigail": ("Abby",), "David": ("Dave",),
    "Maximilian": ("Max",), "Sebastian": ("Basti",), "Katharina": ("Kathi",), "Stefanie": ("Steffi",),
    "Francisco": ("Paco",), "José": ("Pepe",), "Aleksandra": ("Ola",), "Małgorzata": ("Gosia",),
    "Katarzyna": ("Kasia",), "Nicolas": ("Nico",), "Alejandro": ("Álex",),
}

NAME_PREFIXES = ("Dr.", "Dr.", "Prof.", "Prof. Dr.")
