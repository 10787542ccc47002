"""Seeded, messy demo data: four CRM source exports that describe the same people.

``generate_demo_data(out_dir, entities, seed)`` invents ``entities`` people and
writes the records four systems hold about them, each in that system's own
shape and with the usual dirt (nicknames, typos, formats, stale rows, shared
phones and inboxes, conflicting consent). ``ground_truth.csv`` says which
records belong to which person, so a matcher can be scored.

Plain Python + numpy + pandas + openpyxl + sqlite3; no network, no Faker, no
Dagster. Same seed, same files (the CSVs byte for byte).
"""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

__all__ = ["generate_demo_data", "SOURCE_FILES", "COUNTRY_LABELS", "REFERENCE_DATE", "WEBSHOP_COLUMNS",
           "EVENTS_COLUMNS", "SUPPORT_COLUMNS", "LEGACY_COLUMNS"]

# "Today" for the generator: ages, staleness and timestamps are relative to it, so
# the output does not change with the calendar.
REFERENCE_DATE = datetime(2025, 10, 1, 12, 0, 0)

SOURCES = ("webshop", "events", "support", "legacy_crm")
SOURCE_FILES = {
    "webshop": "webshop_customers.csv",
    "events": "event_signups.xlsx",
    "support": "support_requesters.csv",
    "legacy_crm": "legacy_crm.sqlite",
}
WEBSHOP_COLUMNS = ["customer_id", "First Name", "Last Name", "E-mail", "Phone", "Street", "City", "ZIP", "Country",
                   "Birthday", "Registered", "Last Update", "Newsletter", "Newsletter DOI", "SMS", "SMS DOI",
                   "Consent changed", "loyalty_tier"]
EVENTS_COLUMNS = ["signup_id", "Name", "Email Address", "Mobile", "Organisation", "Title", "Country", "Signed up",
                  "Marketing consent", "SMS consent"]
SUPPORT_COLUMNS = ["requester_id", "first", "last", "mail", "tel", "company", "city", "country_code", "created",
                   "modified", "satisfaction"]
LEGACY_COLUMNS = ["CONTACT_ID", "FNAME", "LNAME", "EMAIL_ADDR", "PHONE_NO", "ACCOUNT_NAME", "JOB_TITLE", "ADDR1", "CITY",
                  "POSTAL_CODE", "STATE", "COUNTRY", "DOB", "CREATED_DATE", "UPDATED_DATE", "OPT_OUT",
                  "PHONE_OPT_OUT"]

# --------------------------------------------------------------------------------------
# Reference lists (small, invented where they name firms; real first/last/city names)
# --------------------------------------------------------------------------------------

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
NAME_PREFIXES = ("Dr.", "Dr.", "Prof.", "Prof. Dr.")

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

# --------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "đ": "d", "Đ": "D", "ı": "i"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


@lru_cache(maxsize=None)
def fold(text: str) -> str:
    """Accents dropped (José -> Jose, Müller -> Muller, Łukasz -> Lukasz)."""
    text = text.translate(_SPECIAL)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@lru_cache(maxsize=None)
def german_fold(text: str) -> str:
    """German transliteration (Müller -> Mueller), then accents dropped."""
    return fold(text.translate(_GERMAN))


@lru_cache(maxsize=None)
def _slug(text: str, german: bool = False) -> str:
    base = german_fold(text) if german else fold(text)
    return re.sub(r"[^a-z0-9]", "", base.lower())


@lru_cache(maxsize=None)
def _cp1252_safe(text: str) -> bool:
    try:
        text.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _weighted(R: random.Random, pairs) -> str:
    labels = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return R.choices(labels, weights)[0]


def _typo(text: str, R: random.Random) -> str:
    """One adjacent swap or one dropped letter; never returns the input."""
    if len(text) < 3:
        return text + text[-1:]
    for _ in range(6):
        i = R.randrange(1, len(text) - 1)
        if R.random() < 0.5 and text[i] != text[i + 1]:
            out = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        else:
            out = text[:i] + text[i + 1:]
        if out != text and out.strip():
            return out
    return text + text[-1]


def _gendered(last: str, country: str, female: bool) -> str:
    """Polish surnames agree with gender: Kowalski / Kowalska."""
    if country != "PL":
        return last
    if female and last.endswith(("ski", "cki", "dzki")):
        return last[:-1] + "a"
    if not female and last.endswith(("ska", "cka", "dzka")):
        return last[:-1] + "i"
    return last


def _postcode(country: str, prefix: str, R: random.Random) -> str:
    d = R.randrange
    if country == "DE":
        return f"{prefix}{d(1000):03d}"
    if country in ("FR", "ES"):
        return f"{prefix}0{d(1, 100):02d}"
    if country == "GB":
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{prefix} {d(1, 10)}{letters[d(20)]}{letters[d(20)]}"
    if country == "US":
        return f"{prefix}{d(100):02d}"
    if country == "ID":
        return f"{prefix}{d(1000):03d}"
    if country == "IN":
        return f"{prefix}0{d(100):02d}"
    if country == "PL":
        return f"{prefix}-{d(1000):03d}"
    if country == "BR":
        return f"{prefix}{d(1000):03d}-{d(1000):03d}"
    if country == "NL":
        letters = "ABCEGHJKLMNPRTVWXZ"
        return f"{prefix}{d(100):02d} {letters[d(18)]}{letters[d(18)]}"
    raise ValueError(country)


def _street_line(country: str, street: str, number: int, R: random.Random) -> str:
    if country == "FR":
        return f"{number} {street}" if R.random() < 0.8 else f"{number}, {street}"
    if country in ("GB", "US"):
        line = f"{number} {street}"
        if R.random() < 0.12:
            line = (f"Apt {R.randrange(1, 30)}{'ABCD'[R.randrange(4)]}, " if country == "US" else
                    f"Flat {R.randrange(1, 20)}, ") + line
        return line
    if country == "ES":
        return f"{street}, {number}" if R.random() < 0.6 else f"{street} {number}, {R.randrange(1, 9)}º {'ABCD'[R.randrange(4)]}"
    if country == "ID":
        return f"{street} No. {number}"
    if country == "IN":
        return f"{number}, {street}"
    if country == "PL":
        return f"{street} {number}" + (f"/{R.randrange(1, 60)}" if R.random() < 0.5 else "")
    if country == "BR":
        return f"{street}, {number}" + (f" - apto {R.randrange(11, 180)}" if R.random() < 0.35 else "")
    if country == "DE" and R.random() < 0.08:
        return f"{street} {number}{'abc'[R.randrange(3)]}"
    return f"{street} {number}"


def _abbreviate_street(line: str) -> str:
    for long, short in STREET_ABBREVIATIONS:
        if long in line:
            return line.replace(long, short, 1)
    return line.upper()


# --------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------

_PHONE_TYPES = {"mobile": PhoneNumberType.MOBILE, "fixed": PhoneNumberType.FIXED_LINE}


def _phone_numbers(country: str, kind: str, count: int, rng: np.random.Generator, used: set) -> list[tuple]:
    """``count`` distinct valid numbers: (e164, international, national, country_code).

    Template = phonenumbers' example number of that type (its length); the leading
    digits come from PHONE_PREFIXES, the rest is random, and every candidate is
    checked with ``is_valid_number`` (invalid ones are simply drawn again)."""
    if count <= 0:
        return []
    template = phonenumbers.example_number_for_type(country, _PHONE_TYPES[kind])
    cc = template.country_code
    length = len(str(template.national_number))
    prefixes = PHONE_PREFIXES[kind][country]
    out: list[tuple] = []
    for _attempt in range(200):
        batch = max(64, int((count - len(out)) * 1.6))
        which = rng.integers(0, len(prefixes), size=batch).tolist()
        short = (rng.random(batch) < 0.5).tolist()
        digits = rng.integers(0, 10**9, size=batch).tolist()
        for p_idx, shorter, rest in zip(which, short, digits):
            prefix = prefixes[p_idx]
            rest_len = length - len(prefix)
            if shorter and country == "DE" and prefix.startswith("17"):
                rest_len -= 1  # 0171 1234567 (10 digits) next to 0176 12345678 (11)
            candidate = prefix + f"{rest % 10**rest_len:0{rest_len}d}"
            key = (cc, candidate)
            if key in used:
                continue
            number = phonenumbers.PhoneNumber(country_code=cc, national_number=int(candidate))
            if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != country:
                continue
            used.add(key)
            out.append((
                f"+{cc}{candidate}",
                phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
                phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
                cc,
            ))
            if len(out) == count:
                return out
    raise RuntimeError(f"cannot draw {count} valid {kind} numbers for {country}")


def _format_phone(number: tuple, style: str, R: random.Random) -> str:
    e164, intl, natl, cc = number
    if style == "e164":
        return e164
    if style == "intl":
        return intl
    if style == "natl":
        return natl
    if style == "00dash":  # "0049-171-2345678"
        return "00" + re.sub(r"[ \-]+", "-", intl[1:])
    if style == "dots":  # "+1 415.555.0132 ext. 12"
        head, _, tail = intl.partition(" ")
        text = head + " " + ".".join(re.split(r"[ \-]+", tail))
        if R.random() < 0.5:
            text += f" ext. {R.randrange(10, 400)}"
        return text
    if style == "digits":  # national digits only: "01712345678"
        return re.sub(r"\D", "", natl)
    raise ValueError(style)


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------


class _People:
    """Column-wise attributes of the invented people (index = entity number)."""

    def __init__(self, n: int):
        self.n = n


def _make_people(n: int, rng: np.random.Generator, R: random.Random) -> _People:
    P = _People(n)
    ids = [f"P{i + 1:06d}" for i in range(n)]
    P.entity_id = ids
    country_idx = rng.choice(len(COUNTRIES), size=n, p=np.array(COUNTRY_WEIGHTS) / sum(COUNTRY_WEIGHTS))
    P.country = [COUNTRIES[i] for i in country_idx.tolist()]
    P.female = (rng.random(n) < 0.5).tolist()
    pick_first = rng.integers(0, 1 << 30, size=n).tolist()
    pick_last = rng.integers(0, 1 << 30, size=n).tolist()
    P.first = [FIRST_NAMES[c][1 if f else 0][k % len(FIRST_NAMES[c][1 if f else 0])]
               for c, f, k in zip(P.country, P.female, pick_first)]
    P.last = [_gendered(LAST_NAMES[c][k % len(LAST_NAMES[c])], c, f)
              for c, f, k in zip(P.country, P.female, pick_last)]

    # Ages: 3 % minors (13-17), the rest 18-84.
    minor = rng.random(n) < 0.03
    age_days = np.where(minor, rng.integers(13 * 365 + 4, 18 * 365 - 4, size=n),
                        rng.integers(18 * 365 + 5, 85 * 365, size=n))
    dob = (np.datetime64(REFERENCE_DATE.date()) - age_days.astype("timedelta64[D]")).astype("datetime64[D]")
    dob_idx = pd.DatetimeIndex(dob)
    P.minor = minor.tolist()
    P.dob = list(zip(dob_idx.year.tolist(), dob_idx.month.tolist(), dob_idx.day.tolist()))

    # Address.
    city_pick = rng.integers(0, 1 << 30, size=n).tolist()
    street_pick = rng.integers(0, 1 << 30, size=n).tolist()
    number_pick = rng.integers(1, 180, size=n).tolist()
    P.city, P.region, P.postcode, P.street = [], [], [], []
    for c, cp, sp, num in zip(P.country, city_pick, street_pick, number_pick):
        city, region, prefixes = CITIES[c][cp % len(CITIES[c])]
        P.city.append(city)
        P.region.append(region)
        P.postcode.append(_postcode(c, prefixes[cp % len(prefixes)], R))
        house = num * 13 % 9800 + 100 if c == "US" else num
        P.street.append(_street_line(c, STREETS[c][sp % len(STREETS[c])], house, R))

    # 10 % moved since the legacy CRM last saw them: it keeps their old address.
    P.moved = (rng.random(n) < 0.10).tolist()
    P.old_address: list = [None] * n
    for i in np.flatnonzero(P.moved).tolist():
        c = P.country[i]
        choices = [k for k, city in enumerate(CITIES[c]) if city[0] != P.city[i]]
        city, region, prefixes = CITIES[c][R.choice(choices)]
        P.old_address[i] = (_street_line(c, R.choice(STREETS[c]), R.randrange(1, 120), R), city,
                            _postcode(c, R.choice(prefixes), R), region)

    _assign_companies(P, rng, R)
    _assign_common_names(P, rng)
    _assign_households(P, rng, R)
    _assign_emails(P, rng, R)
    _assign_phones(P, rng)
    P.consent = (rng.random(n) < 0.5).tolist()
    return P


def _assign_companies(P: _People, rng: np.random.Generator, R: random.Random) -> None:
    n = P.n
    P.companies = []  # (official name, short name, domain, country, switchboard index)
    P.company = [None] * n
    P.old_company = [None] * n
    employed = (~np.array(P.minor)) & (rng.random(n) < 0.85)
    P.job = [None] * n
    country_arr = np.array(P.country)
    for c in COUNTRIES:
        members = np.flatnonzero(employed & (country_arr == c))
        bases, sectors, forms = COMPANY_PARTS[c]
        pool = [(b, s) for b in bases for s in sectors]
        order = rng.permutation(len(pool)).tolist()
        k = int(min(len(pool), max(2, round(len(members) / 18))))
        first_company = len(P.companies)
        for j in range(k):
            base, sector = pool[order[j]]
            form = forms[(order[j] * 7 + j) % len(forms)]
            short = f"{base} {sector}"
            if c == "ID":
                official = f"PT {short}" + (" Tbk" if form else "")
            else:
                official = f"{short} {form}"
            domain = f"{_slug(base, c == 'DE')}{_slug(sector, c == 'DE')}.{TLD[c]}"
            P.companies.append([official, short, domain, c, None])
        if not len(members):
            continue
        weights = 1.0 / np.arange(1, k + 1) ** 0.9  # a few big firms, many small ones
        chosen = rng.choice(k, size=len(members), p=weights / weights.sum())
        for i, comp in zip(members.tolist(), chosen.tolist()):
            P.company[i] = first_company + comp
        if k > 1:
            stale = members[rng.random(len(members)) < 0.12]
            for i in stale.tolist():
                other = (P.company[i] - first_company + 1 + R.randrange(k - 1)) % k + first_company
                P.old_company[i] = other
    titles = rng.integers(0, 1 << 30, size=n).tolist()
    local = (rng.random(n) < 0.35).tolist()
    for i in range(n):
        if P.company[i] is not None:
            pool = LOCAL_JOB_TITLES[P.country[i]] if local[i] and P.country[i] in LOCAL_JOB_TITLES else JOB_TITLES
            P.job[i] = pool[titles[i] % len(pool)]
        elif P.minor[i] or titles[i] % 5 == 0:
            P.job[i] = "Student" if P.minor[i] else None
    # Who is reachable only via the company switchboard in support / legacy: the
    # first 4 staff of the biggest firm, plus 2 % of employed people at random.
    sizes: dict[int, list[int]] = {}
    for i, comp in enumerate(P.company):
        if comp is not None:
            sizes.setdefault(comp, []).append(i)
    P.switchboard_user = [False] * n
    if sizes:
        biggest = max(sizes, key=lambda c: (len(sizes[c]), -c))
        for i in sizes[biggest][:4]:
            P.switchboard_user[i] = True
    for i in np.flatnonzero(employed & (rng.random(n) < 0.02)).tolist():
        if len(sizes.get(P.company[i], ())) >= 3:
            P.switchboard_user[i] = True


def _assign_common_names(P: _People, rng: np.random.Generator) -> None:
    """Groups of different people sharing one very common full name."""
    P.common_name = [False] * P.n
    group = max(3, P.n // 1000)
    country_arr = np.array(P.country)
    for c in COUNTRIES:
        for first, last in COMMON_NAMES[c]:
            pool = np.flatnonzero(country_arr == c)
            if len(pool) < group * 4:
                continue
            for i in rng.choice(pool, size=group, replace=False).tolist():
                P.first[i], P.last[i], P.common_name[i] = first, last, True
                male, female = FIRST_NAMES[c]
                P.female[i] = first in female and first not in male


def _assign_households(P: _People, rng: np.random.Generator, R: random.Random) -> None:
    """Couples: same last name and address, one shared inbox and landline."""
    n = P.n
    P.partner = [None] * n
    P.households = []
    wanted = max(2, round(n * 0.01))
    order = rng.permutation(n).tolist()
    position = {i: pos for pos, i in enumerate(order)}
    buckets: dict[str, list[int]] = {c: [] for c in COUNTRIES}
    for i in order:
        if not P.minor[i] and not P.common_name[i] and not P.moved[i]:
            buckets[P.country[i]].append(i)
    pairs = [(b[j], b[j + 1]) for c in COUNTRIES for b in (buckets[c],) for j in range(0, len(b) - 1, 2)]
    pairs.sort(key=lambda ab: position[ab[0]])
    for a, b in pairs[:wanted]:
        c = P.country[a]
        male, female = FIRST_NAMES[c]
        P.female[b] = not P.female[a]
        names = [f for f in (female if P.female[b] else male) if fold(f) != fold(P.first[a])
                 and f not in NICKNAMES.get(P.first[a], ()) and P.first[a] not in NICKNAMES.get(f, ())]
        P.first[b] = R.choice(names)
        P.last[b] = _gendered(_gendered(P.last[a], c, False), c, P.female[b])
        for attr in ("city", "region", "postcode", "street"):
            getattr(P, attr)[b] = getattr(P, attr)[a]
        P.partner[a], P.partner[b] = b, a
        P.households.append((a, b))


def _email_local(first: str, last: str, year: int, german: bool, R: random.Random) -> str:
    f, l_ = _slug(first, german), _slug(last, german)
    pattern = R.randrange(8)
    if pattern == 0:
        return f"{f}{l_}"
    if pattern == 1:
        return f"{f[:1]}.{l_}"
    if pattern == 2:
        return f"{f}_{l_}"
    if pattern == 3:
        return f"{l_}.{f}"
    if pattern == 4:
        return f"{f}.{l_}{year % 100:02d}"
    if pattern == 5:
        return f"{f}{R.randrange(1, 999)}"
    return f"{f}.{l_}"


def _assign_emails(P: _People, rng: np.random.Generator, R: random.Random) -> None:
    n = P.n
    used: set[str] = set()

    def key(local: str, domain: str) -> str:
        # Two different people never get addresses that differ only in "._-" (at
        # Gmail dots do not even count): that would be indistinguishable, not a trap.
        if domain == "googlemail.com":
            domain = "gmail.com"
        return re.sub(r"[._-]", "", local) + "@" + domain

    def unique(local: str, domain: str) -> str:
        candidate = local
        attempts = 0
        while key(candidate, domain) in used:
            # Two-digit suffixes run out past ~100 namesakes at one domain (large demo
            # sets): widen the range as attempts grow instead of looping forever.
            attempts += 1
            candidate = f"{local}{R.randrange(2, 99 if attempts <= 20 else 10 ** (2 + attempts // 20))}"
        used.add(key(candidate, domain))
        return f"{candidate}@{domain}"

    P.work_email = [None] * n
    P.old_work_email = [None] * n
    for i in range(n):
        for attr, comp in (("work_email", P.company[i]), ("old_work_email", P.old_company[i])):
            if comp is not None:
                f, l_ = _slug(P.first[i], P.country[i] == "DE"), _slug(P.last[i], P.country[i] == "DE")
                local = f"{f}.{l_}" if R.random() < 0.8 else f"{f[:1]}{l_}"
                getattr(P, attr)[i] = unique(local, P.companies[comp][2])
    company_as_personal = rng.random(n) < 0.06
    P.email = [None] * n
    for i in range(n):
        if P.work_email[i] and company_as_personal[i]:
            P.email[i] = P.work_email[i]
            continue
        german = P.country[i] == "DE" and R.random() < 0.7
        domain = _weighted(R, EMAIL_PROVIDERS[P.country[i]])
        P.email[i] = unique(_email_local(P.first[i], P.last[i], P.dob[i][0], german, R), domain)
    # Households share one inbox: "smithfamily@gmail.com", "familie.mueller@gmx.de".
    for a, b in P.households:
        last = _slug(P.last[a], P.country[a] == "DE")
        domain = _weighted(R, EMAIL_PROVIDERS[P.country[a]])
        local = R.choice((f"{last}family", f"familie.{last}" if P.country[a] == "DE" else f"the{last}s",
                          f"{last}.home", f"casa{last}" if P.country[a] in ("ES", "BR") else f"{last}household"))
        P.email[a] = P.email[b] = unique(local, domain)


def _assign_phones(P: _People, rng: np.random.Generator) -> None:
    n = P.n
    P.mobile = [None] * n
    P.work_phone = [None] * n
    P.landline = [None] * n
    has_work = (rng.random(n) < 0.35).tolist()
    for c in COUNTRIES:
        used: set = set()
        idx = [i for i in range(n) if P.country[i] == c]
        for i, num in zip(idx, _phone_numbers(c, "mobile", len(idx), rng, used)):
            P.mobile[i] = num
        # Fixed lines: company switchboards, direct work lines, household landlines.
        comps = [k for k, comp in enumerate(P.companies) if comp[3] == c]
        work = [i for i in idx if P.company[i] is not None and has_work[i]]
        homes = [a for a, _ in P.households if P.country[a] == c]
        fixed = _phone_numbers(c, "fixed", len(comps) + len(work) + len(homes), rng, used)
        for k, num in zip(comps, fixed):
            P.companies[k][4] = num
        fixed = fixed[len(comps):]
        for i, num in zip(work, fixed):
            P.work_phone[i] = num
        fixed = fixed[len(work):]
        for a, num in zip(homes, fixed):
            P.landline[a] = P.landline[P.partner[a]] = num


# --------------------------------------------------------------------------------------
# Which person is in which source
# --------------------------------------------------------------------------------------


def _plan_records(P: _People, rng: np.random.Generator, R: random.Random):
    n = P.n
    k = rng.choice([1, 2, 3, 4], size=n, p=[0.45, 0.30, 0.17, 0.08])
    weights = np.array([4.0, 2.2, 2.4, 3.0])  # webshop, events, support, legacy
    keys = rng.random((n, 4)) ** (1.0 / weights)  # weighted sampling without replacement
    ranks = np.argsort(np.argsort(-keys, axis=1, kind="stable"), axis=1, kind="stable")
    member = ranks < k[:, None]
    web, ev, sup, leg = range(4)
    # Switchboard users must show up where the switchboard is recorded.
    for i in range(n):
        if P.switchboard_user[i] and not (member[i, sup] or member[i, leg]):
            member[i, leg] = True
    # Consent conflicts: opted out in the legacy CRM, newsletter "yes" in the shop.
    both = np.flatnonzero(member[:, web] & member[:, leg])
    if len(both) == 0:
        member[0, web] = member[0, leg] = True
        both = np.array([0])
    n_conflict = max(1, round(len(both) * 0.25))
    P.consent_conflict = [False] * n
    for i in rng.choice(both, size=n_conflict, replace=False).tolist():
        P.consent_conflict[i] = True
        P.consent[i] = True
    # 5 % have a second record inside one source (two shop accounts, two sign-ups ...).
    dup = np.flatnonzero(rng.random(n) < 0.05).tolist()
    dup_source = {i: R.choice(np.flatnonzero(member[i]).tolist()) for i in dup}
    plan = {}
    for s, name in enumerate(SOURCES):
        entries = [(i, False) for i in np.flatnonzero(member[:, s]).tolist()]
        entries += [(i, True) for i in dup if dup_source[i] == s]
        perm = rng.permutation(len(entries)).tolist()
        plan[name] = [entries[j] for j in perm]
    total = member.sum(axis=1)
    for i in dup:
        total[i] += 1
    P.records = total.tolist()
    # The identifier kept recognisable in all of a person's records: email for
    # switchboard users and couples (their phone is shared), else a coin flip.
    coin = (rng.random(n) < 0.5).tolist()
    P.anchor = ["E" if P.switchboard_user[i] or P.partner[i] is not None or coin[i] else "P" for i in range(n)]
    return plan


# Children whose date of birth the demo always shows, one per band in turn (ages in
# years, both included): the golden record must publish only their age range.
CHILD_AGES = ((3, 5), (6, 12), (13, 15))


def _plan_consent(P: _People, plan, C: np.random.Generator) -> None:
    """Phone consent, double opt-in behaviour, phone conflicts and young children.

    Drawn from their own stream ``C``, so every value the generator wrote before
    these columns existed is unchanged (children's dates of birth aside)."""
    n = P.n
    # Email: the wish is P.consent; whether the person clicked the shop's double
    # opt-in link decides "Newsletter DOI" (confirmed / pending / not asked).
    P.email_confirmed = (C.random(n) < 0.6).tolist()
    P.sms_consent = (C.random(n) < 0.35).tolist()
    P.sms_confirmed = (C.random(n) < 0.5).tolist()
    # Phone conflicts: SMS "yes" in the shop or at an event, phone opt-out in the old CRM.
    in_source = {name: {i for i, _ in plan[name]} for name in plan}
    both = sorted((in_source["webshop"] | in_source["events"]) & in_source["legacy_crm"])
    P.phone_conflict = [False] * n
    if both:
        picked = C.choice(len(both), size=max(1, round(len(both) * 0.2)), replace=False)
        for j in sorted(picked.tolist()):
            i = both[j]
            P.phone_conflict[i] = True
            P.sms_consent[i] = True
    # Children: some minors become younger (3-15) and always show their date of birth
    # where a source has one (webshop, legacy CRM) - e.g. kids' club members.
    P.show_dob = [False] * n
    with_dob = in_source["webshop"] | in_source["legacy_crm"]
    pool = [i for i in range(n) if P.minor[i] and i in with_dob]
    count = min(len(pool), max(3, round(n * 0.005)))
    if not count:
        return
    chosen = sorted(C.choice(len(pool), size=count, replace=False).tolist())
    reference = np.datetime64(REFERENCE_DATE.date())
    for j, k in enumerate(chosen):
        i = pool[k]
        low, high = CHILD_AGES[j % len(CHILD_AGES)]
        days = int(C.integers(low * 365 + 4, (high + 1) * 365 - 4))
        born = pd.Timestamp(reference - np.timedelta64(days, "D"))
        P.dob[i] = (born.year, born.month, born.day)
        P.show_dob[i] = True


# --------------------------------------------------------------------------------------
# One record: decide what is wrong with it, make sure it stays recognisable, render
# --------------------------------------------------------------------------------------

# Per source: probabilities of each variant; "ok" takes the rest.
EMAIL_MESS = {
    "webshop": {"case": .06, "space": .04, "gmail": .05, "tag": .06, "typo": .04, "missing": .04},
    "events": {"case": .08, "space": .06, "gmail": .04, "tag": .04, "typo": .03, "missing": .03},
    "support": {"case": .08, "space": .04, "gmail": .04, "tag": .04, "typo": .05, "work": .10, "missing": .05},
    "legacy_crm": {"case": .12, "space": .03, "gmail": .02, "tag": .02, "typo": .04, "work": .10, "missing": .06},
}
PHONE_MESS = {
    "webshop": {"landline": .05, "missing": .07},
    "events": {"missing": .05},
    "support": {"work": .10, "switchboard": .05, "missing": .08},
    "legacy_crm": {"work": .20, "switchboard": .08, "landline": .05, "missing": .10},
}
NAME_MESS = {
    "webshop": {"upper": .03, "lower": .03, "accent": .05, "translit": .02, "nick": .05, "typo": .04, "swap": .02,
                "first_missing": .02},
    "events": {"upper": .04, "accent": .05, "nick": .07, "typo": .03, "swap": .03},
    "support": {"upper": .04, "lower": .08, "accent": .08, "translit": .02, "nick": .06, "typo": .05, "swap": .03,
                "first_missing": .04},
    "legacy_crm": {"accent": .06, "translit": .03, "nick": .04, "typo": .04, "swap": .03, "first_missing": .03},
}
EMAIL_INTACT = {"ok", "case", "space", "gmail", "tag"}  # a decent normaliser undoes these
NAME_INTACT = {"ok", "upper", "lower", "accent"}
# Identifiers each source carries: E email, P phone, ND name+dob, NL name+postcode/city.
IDENTIFIERS = {"webshop": ("E", "P", "ND", "NL"), "events": ("E", "P"), "support": ("E", "P", "NL"),
               "legacy_crm": ("E", "P", "ND", "NL")}


def _draw(R: random.Random, table: dict[str, float]) -> str:
    u = R.random()
    for kind, p in table.items():
        if u < p:
            return kind
        u -= p
    return "ok"


def _decide(src: str, i: int, dup: bool, P: _People, R: random.Random) -> dict:
    k = {"email": _draw(R, EMAIL_MESS[src]), "phone": _draw(R, PHONE_MESS[src]), "name": _draw(R, NAME_MESS[src])}
    k["phone"] = {"ok": "mobile"}.get(k["phone"], k["phone"])
    # Variants that need something the person does not have fall back to the plain value.
    if k["email"] == "gmail" and not P.email[i].endswith(("@gmail.com", "@googlemail.com")):
        k["email"] = "tag"
    if k["email"] == "tag" and not P.email[i].endswith(PLUS_ADDRESSING):
        k["email"] = "case"
    if k["email"] == "work" and (P.work_email[i] is None or P.work_email[i] == P.email[i]):
        k["email"] = "ok"
    if P.partner[i] is not None and k["email"] not in ("ok", "case", "space"):
        k["email"] = "ok"  # keep the shared household inbox visible
    if dup and src == "webshop" and k["email"] in ("ok", "case", "space"):
        k["email"] = R.choice(("tag", "gmail", "case"))  # a second shop account needs another address
        if k["email"] == "gmail" and not P.email[i].endswith(("@gmail.com", "@googlemail.com")):
            k["email"] = "tag"
        if k["email"] == "tag" and not P.email[i].endswith(PLUS_ADDRESSING):
            k["email"] = "case"
    if k["phone"] == "work" and P.work_phone[i] is None:
        k["phone"] = "mobile"
    if k["phone"] == "switchboard" and P.company[i] is None:
        k["phone"] = "mobile"
    if k["phone"] == "landline" and P.landline[i] is None:
        k["phone"] = "mobile"
    if P.landline[i] is not None and src in ("webshop", "legacy_crm") and R.random() < 0.35:
        k["phone"] = "landline"
    forced = set()
    if P.switchboard_user[i] and src in ("support", "legacy_crm"):
        k["phone"] = "switchboard"
        forced.add("P")
    if k["name"] == "nick" and P.first[i] not in NICKNAMES:
        k["name"] = "ok"
    if k["name"] == "accent" and fold(P.first[i] + P.last[i]) == P.first[i] + P.last[i]:
        k["name"] = "ok"
    if k["name"] == "translit" and german_fold(P.first[i] + P.last[i]) == fold(P.first[i] + P.last[i]):
        k["name"] = "ok"
    if src == "support" and k["name"] in ("ok", "upper", "lower") and not _cp1252_safe(P.first[i] + P.last[i]):
        # cp1252 cannot hold Ł/ś/ą: most support agents typed it without accents, the rest became "?"
        k["name"] = "accent" if R.random() < 0.7 else "qmark"
    k["dob"] = "ok"
    if src == "webshop" and R.random() > 0.45:
        k["dob"] = "missing"
    if src == "legacy_crm":
        u = R.random()
        k["dob"] = "missing" if u < 0.3 else ("swapped" if u < 0.33 and P.dob[i][2] <= 12 and P.dob[i][2] != P.dob[i][1]
                                              else "ok")
    k["loc"] = "ok"
    if src == "webshop":
        k["loc"] = _draw(R, {"missing": .05, "zip_only": .03, "city_only": .03})
    elif src == "support":
        k["loc"] = "missing" if R.random() < 0.18 else "ok"
    elif src == "legacy_crm":
        k["loc"] = "stale" if P.moved[i] else ("missing" if R.random() < 0.08 else "ok")
    if k["loc"] == "stale":
        forced.add("NL")

    # Every record of a person with more than one record keeps at least two intact
    # identifiers, one of them the person's anchor (email or phone), so any two of
    # their records share at least one identifier.
    need = 2 if P.records[i] > 1 else 0
    if need:
        if P.anchor[i] == "E" and k["email"] not in EMAIL_INTACT:
            k["email"] = "ok"
        elif P.anchor[i] == "P" and k["phone"] != "mobile":
            k["phone"] = "mobile"
    ids = IDENTIFIERS[src]
    while True:
        name_ok = k["name"] in NAME_INTACT
        flags = {"E": k["email"] in EMAIL_INTACT, "P": k["phone"] == "mobile",
                 "ND": name_ok and k["dob"] == "ok", "NL": name_ok and k["loc"] != "missing" and k["loc"] != "stale"}
        broken = [x for x in ids if not flags[x]]
        if len(ids) - len(broken) >= min(need, len(ids)):
            break
        preferred = [x for x in broken if x not in forced] or broken
        fix = R.choice(preferred)
        if fix == "E":
            k["email"] = "ok"
        elif fix == "P":
            k["phone"] = "mobile"
        else:
            if not name_ok:
                k["name"] = "ok" if src != "support" or _cp1252_safe(P.first[i] + P.last[i]) else "accent"
            if fix == "ND":
                k["dob"] = "ok"
            elif k["loc"] in ("missing", "stale"):
                k["loc"] = "ok"
    return k


def _render_email(i: int, kind: str, P: _People, R: random.Random, src: str) -> str | None:
    email = P.email[i]
    if kind == "missing":
        return None
    if kind == "work":
        stale = src == "legacy_crm" and P.old_work_email[i] is not None
        return P.old_work_email[i] if stale else P.work_email[i]
    local, _, domain = email.partition("@")
    if kind == "case":
        choice = R.randrange(3)
        if choice == 0:
            return email.upper()
        if choice == 1:
            return ".".join(part[:1].upper() + part[1:] for part in local.split(".")) + "@" + domain.capitalize()
        return local + "@" + domain.upper()
    if kind == "space":
        return R.choice((" " + email, email + " ", "  " + email + " "))
    if kind == "gmail":
        if R.random() < 0.5 or "." not in local:
            domain = "googlemail.com" if domain == "gmail.com" else "gmail.com"
        if "." in local:
            local = local.replace(".", "") if R.random() < 0.6 else local
        elif len(local) > 3:
            cut = R.randrange(1, len(local) - 1)
            local = local[:cut] + "." + local[cut:]
        return f"{local}@{domain}"
    if kind == "tag":
        return f"{local}+{R.choice(EMAIL_TAGS)}@{domain}"
    if kind == "typo":
        if domain in EMAIL_TYPO_DOMAINS:
            return f"{local}@{R.choice(EMAIL_TYPO_DOMAINS[domain])}"
        name, _, tld = domain.rpartition(".")
        return f"{local}@{_typo(name, R)}.{tld}"
    return email


def _render_name(i: int, kind: str, P: _People, R: random.Random) -> tuple[str | None, str]:
    first, last = P.first[i], P.last[i]
    if kind == "upper":
        return first.upper(), last.upper()
    if kind == "lower":
        return first.lower(), last.lower()
    if kind in ("accent", "qmark"):
        return (fold(first), fold(last)) if kind == "accent" else (first, last)
    if kind == "translit":
        return german_fold(first), german_fold(last)
    if kind == "nick":
        return R.choice(NICKNAMES[first]), last
    if kind == "typo":
        return (_typo(first, R), last) if R.random() < 0.5 else (first, _typo(last, R))
    if kind == "swap":
        return last, first
    if kind == "first_missing":
        return None, last
    return first, last


def _phone_for(i: int, kind: str, P: _People):
    if kind == "mobile":
        return P.mobile[i]
    if kind == "work":
        return P.work_phone[i]
    if kind == "landline":
        return P.landline[i]
    if kind == "switchboard":
        return P.companies[P.company[i]][4]
    return None


def _timestamps(rng: np.random.Generator, count: int, start: str, end: str,
                updated_back: tuple[float, float] | None = None) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    lo, hi = pd.Timestamp(start).value // 10**9, pd.Timestamp(end).value // 10**9
    created = rng.integers(lo, hi, size=max(count, 0))
    ref = int(pd.Timestamp(REFERENCE_DATE).value // 10**9)
    if updated_back is None:
        updated = created + (rng.random(count) * (ref - created)).astype(np.int64)
    else:
        years = rng.uniform(updated_back[0], updated_back[1], size=count)
        updated = np.maximum(created, ref - (years * 365.25 * 86400).astype(np.int64))
    return pd.to_datetime(created, unit="s"), pd.to_datetime(updated, unit="s")


# --------------------------------------------------------------------------------------
# The four sources
# --------------------------------------------------------------------------------------


def _webshop(plan, P, rng, R, C):
    entries = plan["webshop"]
    created, updated = _timestamps(rng, len(entries), "2016-01-01", "2025-09-15")
    created_s = created.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    updated_s = updated.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    # Consent columns come from their own stream C (see _plan_consent).
    cu = C.random((len(entries), 4))
    changed = created + (updated - created) * cu[:, 3]
    changed_s = changed.strftime("%Y-%m-%dT%H:%M:%S").tolist()
    tiers = rng.choice(["Gold", "Silver", ""], size=len(entries), p=[0.08, 0.17, 0.75]).tolist()
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = _decide("webshop", i, dup, P, R)
        if P.show_dob[i]:
            k["dob"] = "ok"
        first, last = _render_name(i, k["name"], P, R)
        number = _phone_for(i, k["phone"], P)
        phone = _format_phone(number, "e164" if R.random() < 0.6 else "intl", R) if number else None
        c = P.country[i]
        country = "" if c == "DE" and R.random() < 0.10 else c  # the shop's default is DE
        street, city, zip_ = P.street[i], P.city[i], P.postcode[i]
        if k["loc"] == "missing":
            street = city = zip_ = None
        elif k["loc"] == "zip_only":
            city = None
        elif k["loc"] == "city_only":
            zip_ = None
        if street and R.random() < 0.06:
            street = _abbreviate_street(street)
        if zip_ and c == "GB" and R.random() < 0.2:
            zip_ = zip_.replace(" ", "").lower()
        y, m, d = P.dob[i]
        birthday = f"{y:04d}-{m:02d}-{d:02d}" if k["dob"] == "ok" else None
        if P.consent_conflict[i]:
            newsletter = "yes"
        else:
            newsletter = "" if R.random() < 0.15 else ("yes" if P.consent[i] else "no")
        # Double opt-in: "confirmed" (link clicked), "pending" (mail sent, never
        # clicked) or empty (signed up before the shop asked for confirmation).
        doi = ""
        if newsletter == "yes":
            doi = "confirmed" if P.email_confirmed[i] or P.consent_conflict[i] else (
                "pending" if cu[n, 0] < 0.6 else "")
        sms = sms_doi = ""
        if phone and (P.phone_conflict[i] or cu[n, 1] < 0.7):
            sms = "yes" if P.sms_consent[i] else "no"
            if sms == "yes":
                sms_doi = "confirmed" if P.sms_confirmed[i] or P.phone_conflict[i] else (
                    "pending" if cu[n, 2] < 0.6 else "")
        # The shop logs when consent changed; older rows (and undecided ones) do not.
        consent_changed = changed_s[n] if (newsletter or sms) and cu[n, 2] < 0.8 else ""
        rid = f"WS-{n + 1:06d}"
        rows.append([rid, first, last, _render_email(i, k["email"], P, R, "webshop"), phone, street, city, zip_,
                     country, birthday, created_s[n], updated_s[n], newsletter, doi, sms, sms_doi, consent_changed,
                     tiers[n]])
        truth.append(("webshop", rid, P.entity_id[i]))
    frame = pd.DataFrame(rows, columns=WEBSHOP_COLUMNS)
    # Broken rows for the loader to quarantine (not in the ground truth).
    broken_specs = [
        (3, ["", "Max", "Mustermann", "max.mustermann@example.com", "+49 30 1234567", "Musterweg 1", "Berlin", "10115",
             "DE", "", "2020-01-01T00:00:00", "2020-01-01T00:00:00", "no", "", "", "", "2020-01-01T00:00:00", ""],
         "empty customer_id"),
        (11, ["", "Erika", "Musterfrau", "", "", "", "Köln", "50667", "DE", "1964-08-12", "2019-05-05T09:30:00",
              "2019-05-05T09:30:00", "", "", "", "", "", ""], "empty customer_id"),
        (20, ["WS-000001", "Test", "Kunde", "test@example.com", "", "", "", "", "DE", "", "2024-02-29T23:59:59",
              "2024-02-29T23:59:59", "", "", "", "", "", "Gold"],
         "duplicate customer_id WS-000001 (the first row with it is real)"),
    ]
    broken, pos = [], 0
    lines = frame.values.tolist()
    out_rows: list[list] = []
    for at, row, problem in broken_specs:
        at = min(at, len(lines))
        out_rows.extend(lines[pos:at])
        pos = at
        out_rows.append(row)
        broken.append(("webshop", SOURCE_FILES["webshop"], len(out_rows) + 1, row[0], problem))
    out_rows.extend(lines[pos:])
    return pd.DataFrame(out_rows, columns=WEBSHOP_COLUMNS), truth, broken


def _events(plan, P, rng, R, C):
    entries = plan["events"]
    signed, _ = _timestamps(rng, len(entries), "2019-01-01", "2025-09-30")
    signed_s = signed.strftime("%d/%m/%Y %H:%M").tolist()
    cu = C.random(len(entries))
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = _decide("events", i, dup, P, R)
        first, last = _render_name(i, k["name"], P, R)
        u = R.random()
        if k["name"] == "swap":
            name = f"{first} {last}"  # "Müller Thomas"
        elif u < 0.15:
            name = f"{last}, {first}"
        elif u < 0.25:
            prefix = R.choice(NAME_PREFIXES + (("Ms.", "Mrs.") if P.female[i] else ("Mr.",)) * 2)
            name = f"{prefix} {first} {last}"
        else:
            name = f"{first} {last}"
        c = P.country[i]
        country = None if R.random() < 0.03 else _weighted(R, COUNTRY_LABELS[c])
        number = _phone_for(i, k["phone"], P)
        mobile = _format_phone(number, "natl" if country else "intl", R) if number else None
        comp = P.company[i]
        org = None
        if comp is not None and R.random() < 0.9:
            official, short = P.companies[comp][:2]
            org = official if R.random() < 0.4 else short
        consent = "Y" if P.consent[i] else "N"
        if R.random() < 0.15:
            consent = None
        # The sign-up tool only writes Y after the confirmation click (the source is
        # declared consent_confirmed); SMS consent is asked where a mobile was given.
        sms = None
        if mobile and (P.phone_conflict[i] or cu[n] < 0.75):
            sms = "Y" if P.sms_consent[i] else "N"
        rid = 10001 + n
        rows.append([rid, name, _render_email(i, k["email"], P, R, "events"), mobile, org, P.job[i], country,
                     signed_s[n], consent, sms])
        truth.append(("events", str(rid), P.entity_id[i]))
    return rows, truth


def _support(plan, P, rng, R, C):
    entries = plan["support"]
    created, updated = _timestamps(rng, len(entries), "2018-01-01", "2025-09-30")
    created_s = created.strftime("%m/%d/%Y").tolist()
    updated_s = updated.strftime("%m/%d/%Y").tolist()
    sat = rng.choice(["1", "2", "3", "4", "5", ""], size=len(entries), p=[.06, .08, .18, .30, .23, .15]).tolist()
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = _decide("support", i, dup, P, R)
        first, last = _render_name(i, k["name"], P, R)
        c = P.country[i]
        u = R.random()
        code = "" if u < 0.15 else (c.lower() if u < 0.45 else c)
        number = _phone_for(i, k["phone"], P)
        tel = None
        if number:
            styles = ["e164", "intl", "dots"]
            if code:
                styles += ["natl", "digits"]
                if c in IDD_00:
                    styles += ["00dash", "00dash"]
            tel = _format_phone(number, R.choice(styles), R)
        comp = P.company[i]
        company = None
        if comp is not None and R.random() < 0.8:
            official, short = P.companies[comp][:2]
            company = R.choice((official, short, short.lower(), official.upper()))
        city = None if k["loc"] == "missing" else P.city[i]
        if city and not _cp1252_safe(city):
            city = fold(city)
        rid = f"SR-{100001 + n}"
        rows.append([rid, first, last, _render_email(i, k["email"], P, R, "support"), tel, company, city, code,
                     created_s[n], updated_s[n], sat[n]])
        truth.append(("support", rid, P.entity_id[i]))
    return rows, truth


def _legacy(plan, P, rng, R, C):
    entries = plan["legacy_crm"]
    cu = C.random(len(entries))
    created, updated = _timestamps(rng, len(entries), "2008-01-01", "2016-06-30", updated_back=(5.0, 9.0))
    created_s = created.strftime("%Y-%m-%d %H:%M:%S").tolist()
    updated_s = updated.strftime("%Y-%m-%d %H:%M:%S").tolist()
    rows, truth = [], []
    for n, (i, dup) in enumerate(entries):
        k = _decide("legacy_crm", i, dup, P, R)
        if P.show_dob[i]:
            k["dob"] = "ok"
        first, last = _render_name(i, k["name"], P, R)
        if last and R.random() < 0.6:
            last = last.upper()
        if first and R.random() < 0.3:
            first = first.upper()
        c = P.country[i]
        u = R.random()
        if c == "DE" and u < 0.15:
            country = None  # domestic contacts were entered without a country
        elif u < 0.75:
            country = ISO3[c]
        else:
            country = ENGLISH_NAME[c].upper() if R.random() < 0.3 else ENGLISH_NAME[c]
        number = _phone_for(i, k["phone"], P)
        phone = None
        if number:
            styles = ["intl", "intl", "e164", "natl", "natl"]
            if c in IDD_00:
                styles.append("00dash")
            phone = _format_phone(number, R.choice(styles), R)
        stale_company = P.old_company[i] is not None
        comp = P.old_company[i] if stale_company else P.company[i]
        account = P.companies[comp][0] if comp is not None else None
        job = P.job[i] if not stale_company else JOB_TITLES[(len(P.job[i]) + i) % len(JOB_TITLES)]
        street, city, postcode, region = P.street[i], P.city[i], P.postcode[i], P.region[i]
        if k["loc"] == "stale":
            street, city, postcode, region = P.old_address[i]
        elif k["loc"] == "missing":
            street = city = postcode = region = None
        if street and R.random() < 0.2:
            street = street.upper()
        if postcode and postcode[0] == "0" and postcode.isdigit() and R.random() < 0.5:
            postcode = postcode.lstrip("0")  # the column was numeric once
        if R.random() < 0.2:
            region = None
        y, m, d = P.dob[i]
        dob = {"ok": f"{d:02d}.{m:02d}.{y:04d}", "swapped": f"{m:02d}.{d:02d}.{y:04d}"}.get(k["dob"])
        if P.consent_conflict[i]:
            opt_out = 1
        else:
            opt_out = 1 if (not P.consent[i] and R.random() < 0.6) else 0
        # PHONE_OPT_OUT like OPT_OUT: 1 = opted out of calls/SMS, 0 = nothing recorded.
        phone_opt_out = 1 if P.phone_conflict[i] or (not P.sms_consent[i] and cu[n] < 0.3) else 0
        cid = 500001 + n
        rows.append([cid, first, last, _render_email(i, k["email"], P, R, "legacy_crm"), phone, account, job,
                     street, city, postcode, region, country, dob, created_s[n], updated_s[n], opt_out,
                     phone_opt_out])
        truth.append(("legacy_crm", str(cid), P.entity_id[i]))
    return rows, truth


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

_SUPPORT_BROKEN = [  # (insert after data line, raw line, problem) - an unquoted ";" adds a field
    (5, "SR-900001;Jana;Meyer;jana.meyer@example.com;+49 40 1234567;Meyer; Partner GmbH;Hamburg;de;"
        "03/14/2023;03/14/2023;4", "unquoted ';' inside the company name: 12 fields instead of 11"),
    (12, "SR-900002;Paul;Roth;paul.roth@example.com;0049;89;7654321;;München;DE;11/02/2022;11/03/2022;",
     "phone typed with ';' as separator: 13 fields instead of 11"),
]


def _write_support(rows: list[list], path: Path) -> list[tuple]:
    frame = pd.DataFrame(rows, columns=SUPPORT_COLUMNS)
    text = frame.to_csv(index=False, sep=";", lineterminator="\n")
    lines = text.split("\n")[:-1]
    header, data = lines[0], lines[1:]
    out, broken, pos = [header], [], 0
    for at, raw, problem in _SUPPORT_BROKEN:
        at = min(at, len(data))
        out.extend(data[pos:at])
        pos = at
        out.append(raw)
        broken.append(("support", SOURCE_FILES["support"], len(out), raw.split(";")[0], problem))
    out.extend(data[pos:])
    path.write_bytes(("\n".join(out) + "\n").encode("cp1252", errors="replace"))
    return broken


def _write_events(rows: list[list], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "crm-steward demo generator"
    wb.properties.created = wb.properties.modified = REFERENCE_DATE
    ws = wb.create_sheet("Signups")
    ws.append(EVENTS_COLUMNS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    _pin_xlsx_timestamps(path)


def _pin_xlsx_timestamps(path: Path) -> None:
    """openpyxl stamps the save time into docProps/core.xml and the zip entries;
    pin both to REFERENCE_DATE so the workbook is byte-for-byte reproducible."""
    import zipfile

    stamp = REFERENCE_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=REFERENCE_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def _write_legacy(rows: list[list], path: Path) -> None:
    if path.exists():
        path.unlink()
    types = {"CONTACT_ID": "INTEGER PRIMARY KEY", "OPT_OUT": "INTEGER", "PHONE_OPT_OUT": "INTEGER"}
    ddl = ", ".join(f'"{c}" {types.get(c, "TEXT")}' for c in LEGACY_COLUMNS)
    con = sqlite3.connect(path)
    try:
        con.execute(f"CREATE TABLE contacts ({ddl})")
        con.executemany(f"INSERT INTO contacts VALUES ({', '.join('?' * len(LEGACY_COLUMNS))})", rows)
        con.commit()
    finally:
        con.close()


README = """crm-steward demo data (seed {seed}, {entities} invented people; reference date {ref}).

webshop_customers.csv   online shop customers; UTF-8, comma; customer_id; Newsletter/SMS yes/no, DOI confirmed/pending,
                        Consent changed; extra column loyalty_tier.
event_signups.xlsx      sheet "Signups"; full names; national-format mobiles; multilingual countries; confirmed consent Y/N.
support_requesters.csv  help desk; cp1252, semicolon; messy phone formats; lower-case or empty country_code; US dates.
legacy_crm.sqlite       old CRM, table "contacts"; UPPER-CASE last names; ISO-3 countries; stale 5-9 years; opt-outs
                        OPT_OUT=1 (email), PHONE_OPT_OUT=1 (phone).
ground_truth.csv        source, record_id, entity_id for every readable record: which records are the same person.
broken_rows.csv         the {broken} deliberately broken rows (not in the ground truth) a loader must quarantine.
Traps: shared inboxes/landlines, switchboards, namesakes, nicknames, typos, dropped accents, consent that disagrees
between sources, unconfirmed opt-ins, children under 16 (only an age range may be published).
"""


def generate_demo_data(out_dir: str | Path, entities: int = 2000, seed: int = 42) -> dict[str, Path]:
    """Write four messy source exports + ground_truth.csv into out_dir; return {name: path}.

    The keys are the source names (webshop, events, support, legacy_crm) plus
    ground_truth, broken_rows and readme. Same (entities, seed), same content.
    """
    if entities < 20:
        raise ValueError("entities must be at least 20")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    R = random.Random(seed)
    P = _make_people(int(entities), rng, R)
    plan = _plan_records(P, rng, R)
    # Consent and children draw from a stream of their own: the rest of the data
    # stays what it was before these columns existed.
    C = np.random.default_rng([seed, 5])
    _plan_consent(P, plan, C)

    web_frame, web_truth, web_broken = _webshop(plan, P, rng, R, C)
    ev_rows, ev_truth = _events(plan, P, rng, R, C)
    sup_rows, sup_truth = _support(plan, P, rng, R, C)
    leg_rows, leg_truth = _legacy(plan, P, rng, R, C)

    paths = {name: out / SOURCE_FILES[name] for name in SOURCES}
    web_frame.to_csv(paths["webshop"], index=False, encoding="utf-8", lineterminator="\n")
    _write_events(ev_rows, paths["events"])
    sup_broken = _write_support(sup_rows, paths["support"])
    _write_legacy(leg_rows, paths["legacy_crm"])

    truth = pd.DataFrame(web_truth + ev_truth + sup_truth + leg_truth, columns=["source", "record_id", "entity_id"])
    paths["ground_truth"] = out / "ground_truth.csv"
    truth.to_csv(paths["ground_truth"], index=False, lineterminator="\n")
    broken = pd.DataFrame(web_broken + sup_broken, columns=["source", "file", "line", "record_id", "problem"])
    paths["broken_rows"] = out / "broken_rows.csv"
    broken.to_csv(paths["broken_rows"], index=False, lineterminator="\n")
    paths["readme"] = out / "README.txt"
    paths["readme"].write_text(README.format(seed=seed, entities=entities, ref=REFERENCE_DATE.date(),
                                             broken=len(broken)), encoding="utf-8")
    return paths


def demo_sources(out_dir: str | Path):
    """The demo exports' source configs (rules/demo_sources.yaml, paths under out_dir)."""
    from steward.config import find_project_dir, parse_sources, read_yaml

    mapping = find_project_dir() / "rules" / "demo_sources.yaml"
    return parse_sources(read_yaml(mapping), Path(out_dir).resolve(), mapping)


def write_canonical(out_dir: str | Path) -> dict[str, Path]:
    """Write each demo export mapped onto the canonical columns to ``out_dir/canonical``.

    These are the inputs ``steward dedupe`` takes. The mapping is the one the
    pipeline uses (rules/demo_sources.yaml), rows are written as mapped (broken ones
    included, so dedupe's quarantine sees them); only lines too malformed to map
    at all are left out, and those are listed in broken_rows.csv. A source declared
    ``consent_confirmed`` has that written into its rows' double-opt-in flags, as
    the CSVs travel without the source config.
    """
    from steward.merge.consent import apply_source_confirmation
    from steward.schema import RECORD_COLUMNS
    from steward.sources.load import map_to_canonical, read_raw

    target = Path(out_dir) / "canonical"
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, cfg in demo_sources(out_dir).items():
        raw, _bad_lines = read_raw(cfg)
        canonical, _ = map_to_canonical(raw, cfg)
        if cfg.consent_confirmed:
            canonical = apply_source_confirmation(canonical, {cfg.name})
        extras = [c for c in canonical.columns if c.startswith("extra_")]
        path = target / f"{name}.csv"
        canonical[RECORD_COLUMNS + extras].to_csv(path, index=False)
        written[f"canonical_{name}"] = path
    return written
