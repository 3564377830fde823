"""The demo companies' catalogues: what a Miami flower importer and a Bogotá exporter really carry.

The Miami wholesaler carries the whole list; the Bogotá company sells what the Sabana de Bogotá
grows (roses, spray roses, carnations, alstroemeria, hydrangeas) from its own farms, ships by air
cargo, and sells to importers in the United States.
"""

from __future__ import annotations

from decimal import Decimal

D = Decimal

# (category, variety, colors, grades, unit type, bunches per box by box type, stems per bunch, cost per unit)
FAMILIES: list[tuple[str, str, list[str], list[str], str, dict[str, int], int, Decimal]] = [
    (
        "Roses",
        "Freedom",
        ["Red"],
        ["40cm", "50cm", "60cm", "70cm"],
        "Stem",
        {"HB": 10, "QB": 5},
        25,
        D("0.42"),
    ),
    ("Roses", "Explorer", ["Red"], ["50cm", "60cm"], "Stem", {"HB": 10, "QB": 5}, 25, D("0.46")),
    (
        "Roses",
        "Playa Blanca",
        ["White"],
        ["40cm", "50cm", "60cm"],
        "Stem",
        {"HB": 10, "QB": 5},
        25,
        D("0.40"),
    ),
    ("Roses", "Mondial", ["White"], ["50cm", "60cm", "70cm"], "Stem", {"HB": 10, "QB": 5}, 25, D("0.48")),
    ("Roses", "Pink Floyd", ["Hot Pink"], ["50cm", "60cm"], "Stem", {"HB": 10, "QB": 5}, 25, D("0.44")),
    ("Roses", "Brighton", ["Yellow"], ["40cm", "50cm"], "Stem", {"HB": 10, "QB": 5}, 25, D("0.38")),
    ("Roses", "Orange Crush", ["Orange"], ["50cm"], "Stem", {"HB": 10, "QB": 5}, 25, D("0.41")),
    ("Roses", "Sweet Escimo", ["Cream"], ["50cm", "60cm"], "Stem", {"HB": 10, "QB": 5}, 25, D("0.43")),
    ("Spray Roses", "Mikado", ["Red"], ["50cm"], "Bunch", {"HB": 12, "QB": 6}, 10, D("2.10")),
    ("Spray Roses", "Snowflake", ["White"], ["50cm"], "Bunch", {"HB": 12, "QB": 6}, 10, D("2.05")),
    ("Spray Roses", "Lady Bombastic", ["Pink"], ["50cm"], "Bunch", {"HB": 12, "QB": 6}, 10, D("2.60")),
    (
        "Carnations",
        "Fancy",
        ["Red", "White", "Pink", "Yellow", "Purple"],
        ["Select"],
        "Stem",
        {"FB": 20, "HB": 10},
        25,
        D("0.18"),
    ),
    ("Carnations", "Mini", ["Assorted", "White"], ["Select"], "Bunch", {"FB": 30, "HB": 15}, 10, D("1.40")),
    (
        "Hydrangeas",
        "Premium",
        ["White", "Blue", "Pink"],
        ["Select", "Jumbo"],
        "Stem",
        {"FB": 1, "HB": 1},
        30,
        D("0.95"),
    ),
    (
        "Alstroemeria",
        "Select",
        ["White", "Pink", "Yellow", "Assorted"],
        ["Fancy", "Select"],
        "Bunch",
        {"HB": 16, "QB": 8},
        10,
        D("2.40"),
    ),
    ("Greens", "Ruscus Italian", ["Green"], ["Standard"], "Bunch", {"HB": 20, "QB": 10}, 10, D("1.20")),
    ("Greens", "Eucalyptus Silver Dollar", ["Green"], ["Standard"], "Bunch", {"HB": 15}, 10, D("2.20")),
    ("Greens", "Leatherleaf", ["Green"], ["Standard"], "Bunch", {"FB": 30, "HB": 15}, 25, D("1.10")),
]

BOX_TYPES = [("FB", "Full box", D("1")), ("HB", "Half box", D("0.5")), ("QB", "Quarter box", D("0.25"))]

# (code, name, city, state, country)
CARRIERS = [
    ("ARM", "Armellini Express Lines", "Palm City", "FL", "US"),
    ("FDX", "FedEx Priority Overnight", "Memphis", "TN", "US"),
    ("USAF", "USA Floral Trucking", "Doral", "FL", "US"),
    ("PU", "Customer pick-up", "Miami", "FL", "US"),
]

VENDORS = [
    ("ROSAS", "Rosas del Ecuador", "UIO"),
    ("FLORANDINA", "Florandina Farms", "BOG"),
    ("COLIBRI", "Colibri Flowers", "BOG"),
    ("HOJAVERDE", "Hoja Verde", "UIO"),
    ("CALIFLORA", "California Flora", "LAX"),
]

# (code, name, type, price level, B markup %, e-commerce markup %, city, state)
CUSTOMERS = [
    ("BLOOMNET", "BloomNet", "marketplace", "A", D("0"), D("8"), "Plainview", "NY"),
    ("FLEUR01", "Fleur de Lis Florist", "florist", "A", D("0"), D("0"), "Coral Gables", "FL"),
    ("PETAL02", "Petal & Stem Studio", "florist", "B", D("10"), D("0"), "Orlando", "FL"),
    ("EVENT03", "Grand Events Décor", "event", "B", D("12"), D("0"), "Tampa", "FL"),
    ("FRESH04", "FreshMart Supermarkets", "supermarket", "A", D("0"), D("0"), "Atlanta", "GA"),
    ("WHOLE05", "Carolina Wholesale Florist", "wholesaler", "B", D("6"), D("0"), "Charlotte", "NC"),
    ("ROSE06", "Rosewood Flower Shop", "florist", "A", D("0"), D("0"), "Savannah", "GA"),
    ("MIAWH", "Sunrise Orlando branch", "internal", "A", D("0"), D("0"), "Orlando", "FL"),
]


# The second demo company: an exporter on the Sabana de Bogotá, in Bogotá's time zone.
BOGOTA_CATEGORIES = {"Roses", "Spray Roses", "Carnations", "Alstroemeria", "Hydrangeas"}

BOGOTA_CARRIERS = [
    ("AVC", "Avianca Cargo", "Bogotá", "DC", "CO"),
    ("LAT", "LATAM Cargo Colombia", "Bogotá", "DC", "CO"),
    ("PU", "Customer pick-up", "Funza", "CUN", "CO"),
]

BOGOTA_VENDORS = [
    ("SABANA", "Flores de la Sabana", "BOG"),
    ("FUNZA", "Cultivos Funza", "BOG"),
    ("TOCANCIPA", "Rosas de Tocancipá", "BOG"),
    ("RIONEGRO", "Flores Rionegro", "MDE"),
]

BOGOTA_CUSTOMERS = [
    ("BLOOMNET", "BloomNet", "marketplace", "A", D("0"), D("8"), "Plainview", "NY"),
    ("MIAIMP01", "Coral Way Flower Importers", "wholesaler", "A", D("0"), D("0"), "Miami", "FL"),
    ("HOUST02", "Gulf Coast Floral Supply", "wholesaler", "B", D("5"), D("0"), "Houston", "TX"),
    ("NYC03", "Hudson Flower Market", "wholesaler", "B", D("6"), D("0"), "New York", "NY"),
    ("EVENT04", "Lakeshore Weddings", "event", "B", D("12"), D("0"), "Chicago", "IL"),
]
