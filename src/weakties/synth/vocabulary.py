"""Fixed vocabulary of the synthetic world: industries, roles, skills, places.

Everything here is plain data, chosen to look like what LinkedIn shows:

- industry names follow LinkedIn's 2022 industry taxonomy (V2 labels);
- locations are written the way profiles show them ("City, Region, Country");
- titles follow the usual seniority ladder (Junior / - / Senior / Lead / Head of /
  Director / VP), with French titles for part of the ``fr_FR`` population, since
  French profiles mix both languages;
- skills are the kind of endorsable skill names found in real exports.

Order matters: the generators index these tuples with seeded random numbers, so
editing a tuple changes every synthetic world (but not its determinism).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """A city as LinkedIn writes it, with the locale of the people living there."""

    city: str
    region: str
    country: str
    locale: str
    phone_prefix: str

    @property
    def label(self) -> str:
        return f"{self.city}, {self.region}, {self.country}"


PLACES: tuple[Place, ...] = (
    Place("New York", "New York", "United States", "en_US", "+1 212"),
    Place("San Francisco", "California", "United States", "en_US", "+1 415"),
    Place("Boston", "Massachusetts", "United States", "en_US", "+1 617"),
    Place("Chicago", "Illinois", "United States", "en_US", "+1 312"),
    Place("Seattle", "Washington", "United States", "en_US", "+1 206"),
    Place("Austin", "Texas", "United States", "en_US", "+1 512"),
    Place("Los Angeles", "California", "United States", "en_US", "+1 213"),
    Place("Atlanta", "Georgia", "United States", "en_US", "+1 404"),
    Place("Denver", "Colorado", "United States", "en_US", "+1 303"),
    Place("Washington", "District of Columbia", "United States", "en_US", "+1 202"),
    Place("Paris", "Île-de-France", "France", "fr_FR", "+33 6"),
    Place("Lyon", "Auvergne-Rhône-Alpes", "France", "fr_FR", "+33 6"),
    Place("Marseille", "Provence-Alpes-Côte d'Azur", "France", "fr_FR", "+33 6"),
    Place("Toulouse", "Occitanie", "France", "fr_FR", "+33 7"),
    Place("Bordeaux", "Nouvelle-Aquitaine", "France", "fr_FR", "+33 6"),
    Place("Lille", "Hauts-de-France", "France", "fr_FR", "+33 7"),
    Place("Nantes", "Pays de la Loire", "France", "fr_FR", "+33 6"),
    Place("Strasbourg", "Grand Est", "France", "fr_FR", "+33 6"),
    Place("Nice", "Provence-Alpes-Côte d'Azur", "France", "fr_FR", "+33 7"),
    Place("Grenoble", "Auvergne-Rhône-Alpes", "France", "fr_FR", "+33 6"),
)

#: Relative weight of each city (big metros attract more people and employers).
PLACE_WEIGHTS: tuple[float, ...] = (
    10,
    6,
    4,
    5,
    4,
    3,
    5,
    3,
    2,
    3,
    12,
    4,
    3,
    3,
    2.5,
    2.5,
    2.5,
    2,
    1.5,
    1.5,
)


@dataclass(frozen=True, slots=True)
class Role:
    """A job family: English and French title stems and the department it sits in."""

    en: str
    fr: str
    department: str
    department_fr: str


@dataclass(frozen=True, slots=True)
class Industry:
    name: str
    roles: tuple[Role, ...]
    skills: tuple[str, ...]


_SALES = Role("Account Executive", "Ingénieur d'affaires", "Sales", "Commercial")
_MARKETING = Role("Marketing Manager", "Chef de produit marketing", "Marketing", "Marketing")
_HR = Role("HR Business Partner", "Chargé RH", "People", "Ressources Humaines")
_RECRUITER = Role("Talent Acquisition Specialist", "Chargé de recrutement", "Talent", "Recrutement")
_FINANCE = Role("Financial Analyst", "Contrôleur de gestion", "Finance", "Finance")
_GENERIC_SKILLS = (
    "Project Management",
    "Leadership",
    "Communication",
    "Team Management",
    "Microsoft Excel",
    "Negotiation",
    "Public Speaking",
    "Strategic Planning",
)

INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "Software Development",
        (
            Role("Software Engineer", "Ingénieur logiciel", "Engineering", "Ingénierie"),
            Role("Data Scientist", "Data scientist", "Data", "Data"),
            Role("Product Manager", "Chef de produit", "Product", "Produit"),
            Role("DevOps Engineer", "Ingénieur DevOps", "Engineering", "Ingénierie"),
            _SALES,
            _RECRUITER,
        ),
        (
            "Python",
            "Java",
            "JavaScript",
            "SQL",
            "Kubernetes",
            "Amazon Web Services (AWS)",
            "Machine Learning",
            "Agile Methodologies",
            "Software Architecture",
            "Git",
            "React.js",
            "Docker",
            "Product Management",
            "Data Analysis",
            "Scrum",
        ),
    ),
    Industry(
        "IT Services and IT Consulting",
        (
            Role("IT Consultant", "Consultant IT", "Consulting", "Conseil"),
            Role(
                "Systems Administrator",
                "Administrateur systèmes",
                "Infrastructure",
                "Infrastructure",
            ),
            Role("Project Manager", "Chef de projet", "Delivery", "Delivery"),
            Role("Solutions Architect", "Architecte solutions", "Engineering", "Ingénierie"),
            _SALES,
            _RECRUITER,
        ),
        (
            "ITIL",
            "SAP",
            "Microsoft Azure",
            "Cloud Computing",
            "Linux",
            "Networking",
            "IT Service Management",
            "Cybersecurity",
            "Business Analysis",
            "ServiceNow",
            "Information Security",
            "Active Directory",
            "PowerShell",
            "Salesforce.com",
        ),
    ),
    Industry(
        "Financial Services",
        (
            Role("Investment Analyst", "Analyste investissement", "Investments", "Investissements"),
            Role("Risk Manager", "Risk manager", "Risk", "Risques"),
            Role("Relationship Manager", "Chargé d'affaires", "Private Banking", "Banque privée"),
            _FINANCE,
            _SALES,
            _RECRUITER,
        ),
        (
            "Financial Analysis",
            "Financial Modeling",
            "Risk Management",
            "Banking",
            "Asset Management",
            "Valuation",
            "Corporate Finance",
            "Bloomberg",
            "Accounting",
            "Portfolio Management",
            "Due Diligence",
            "Compliance",
            "Credit Analysis",
        ),
    ),
    Industry(
        "Business Consulting and Services",
        (
            Role("Consultant", "Consultant", "Consulting", "Conseil"),
            Role("Business Analyst", "Business analyst", "Consulting", "Conseil"),
            Role("Engagement Manager", "Manager", "Consulting", "Conseil"),
            _MARKETING,
            _HR,
            _RECRUITER,
        ),
        (
            "Management Consulting",
            "Business Strategy",
            "Change Management",
            "Process Improvement",
            "Stakeholder Management",
            "PowerPoint",
            "Lean Six Sigma",
            "Business Process Improvement",
            "Market Research",
            "Operations Management",
        ),
    ),
    Industry(
        "Hospitals and Health Care",
        (
            Role("Registered Nurse", "Infirmier", "Nursing", "Soins"),
            Role("Physician", "Médecin", "Medicine", "Médecine"),
            Role(
                "Clinical Research Associate",
                "Attaché de recherche clinique",
                "Clinical Research",
                "Recherche clinique",
            ),
            Role("Healthcare Administrator", "Cadre de santé", "Operations", "Opérations"),
            _HR,
        ),
        (
            "Healthcare",
            "Patient Care",
            "Clinical Research",
            "Hospitals",
            "Medicine",
            "Nursing",
            "Healthcare Management",
            "Public Health",
            "Medical Devices",
            "Pharmaceutical Industry",
            "GCP",
            "Clinical Trials",
        ),
    ),
    Industry(
        "Higher Education",
        (
            Role("Lecturer", "Maître de conférences", "Faculty", "Enseignement"),
            Role("Research Scientist", "Chercheur", "Research", "Recherche"),
            Role("Program Coordinator", "Chargé de mission", "Administration", "Administration"),
            _HR,
        ),
        (
            "Research",
            "Teaching",
            "Higher Education",
            "Curriculum Development",
            "Academic Advising",
            "Statistics",
            "Grant Writing",
            "Data Analysis",
            "Scientific Writing",
            "Qualitative Research",
            "Lecturing",
        ),
    ),
    Industry(
        "Advertising Services",
        (
            Role("Account Manager", "Chef de projet", "Accounts", "Clientèle"),
            Role("Art Director", "Directeur artistique", "Creative", "Création"),
            Role("Media Planner", "Media planner", "Media", "Média"),
            _MARKETING,
            _SALES,
        ),
        (
            "Digital Marketing",
            "Social Media Marketing",
            "Advertising",
            "Branding",
            "Online Advertising",
            "Copywriting",
            "Adobe Photoshop",
            "Google Analytics",
            "Search Engine Optimization (SEO)",
            "Content Strategy",
            "Marketing Strategy",
        ),
    ),
    Industry(
        "Manufacturing",
        (
            Role("Process Engineer", "Ingénieur procédés", "Operations", "Production"),
            Role("Quality Engineer", "Ingénieur qualité", "Quality", "Qualité"),
            Role(
                "Supply Chain Manager", "Responsable supply chain", "Supply Chain", "Supply Chain"
            ),
            Role("Mechanical Engineer", "Ingénieur mécanique", "Engineering", "Ingénierie"),
            _SALES,
            _FINANCE,
        ),
        (
            "Lean Manufacturing",
            "Six Sigma",
            "Supply Chain Management",
            "AutoCAD",
            "Continuous Improvement",
            "Quality Assurance",
            "ISO 9001",
            "SolidWorks",
            "Product Development",
            "Manufacturing Operations",
            "Procurement",
            "Logistics",
        ),
    ),
    Industry(
        "Retail",
        (
            Role("Store Manager", "Directeur de magasin", "Stores", "Magasins"),
            Role("Buyer", "Acheteur", "Merchandising", "Achats"),
            Role("E-commerce Manager", "Responsable e-commerce", "Digital", "Digital"),
            _MARKETING,
            _HR,
            _FINANCE,
        ),
        (
            "Retail",
            "Merchandising",
            "Customer Service",
            "Visual Merchandising",
            "E-commerce",
            "Inventory Management",
            "Sales Management",
            "Category Management",
            "Retail Sales",
            "Customer Experience",
        ),
    ),
    Industry(
        "Telecommunications",
        (
            Role("Network Engineer", "Ingénieur réseaux", "Network", "Réseaux"),
            Role("RF Engineer", "Ingénieur radio", "Engineering", "Ingénierie"),
            Role("Product Owner", "Product owner", "Product", "Produit"),
            _SALES,
            _FINANCE,
            _RECRUITER,
        ),
        (
            "Telecommunications",
            "LTE",
            "5G",
            "Network Design",
            "Wireless",
            "IP Networking",
            "Cisco Systems Products",
            "Fiber Optics",
            "VoIP",
            "Routing",
            "Network Security",
        ),
    ),
)

INDUSTRY_WEIGHTS: tuple[float, ...] = (14, 10, 9, 8, 9, 6, 5, 8, 6, 5)

GENERIC_SKILLS = _GENERIC_SKILLS

#: Role stems whose holders send cold InMails to people outside their network.
RECRUITER_ROLES = frozenset({_RECRUITER.en})

#: Seniority ladder. Levels 0-3 prefix the role; 4-6 name the department.
LEVELS_EN: tuple[str, ...] = (
    "Junior {role}",
    "{role}",
    "Senior {role}",
    "Lead {role}",
    "Head of {dept}",
    "Director of {dept}",
    "VP {dept}",
)
LEVELS_FR: tuple[str, ...] = (
    "{role} junior",
    "{role}",
    "{role} senior",
    "Lead {role}",
    "Responsable {dept}",
    "Directeur {dept}",
    "VP {dept}",
)
#: Years of experience at which each level becomes reachable.
LEVEL_YEARS: tuple[float, ...] = (0, 2, 5, 8, 11, 14, 18)

#: Academic credentials some people append to their last name ("Martin, PhD").
CREDENTIALS: tuple[str, ...] = (
    ", PhD",
    ", MBA",
    ", Ph.D.",
    ", CPA",
    ", PMP",
    ", MBA, PMP",
    ", CFA",
    ", MD",
)

DEGREES_EN: tuple[str, ...] = (
    "Bachelor of Science - BS",
    "Bachelor of Arts - BA",
    "Master of Science - MS",
    "Master of Business Administration - MBA",
    "Doctor of Philosophy - PhD",
)
DEGREES_FR: tuple[str, ...] = (
    "Licence",
    "Licence professionnelle",
    "Master",
    "Diplôme d'ingénieur",
    "Doctorat",
)

#: Free-mail domains by locale, for personal addresses.
MAIL_DOMAINS: dict[str, tuple[str, ...]] = {
    "en_US": ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com"),
    "fr_FR": ("gmail.com", "orange.fr", "free.fr", "hotmail.fr", "laposte.net"),
}

#: Legal-form suffixes appended to company stems, in each locale's style.
LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "en_US": ("Inc", "Inc.", "LLC", "Ltd", "Corp", "Corporation", "Group", "PLC", ""),
    "fr_FR": ("SA", "SAS", "SARL", "S.A.", "Groupe", "GmbH", ""),
}

GROUP_TEMPLATES_EN: tuple[str, ...] = (
    "{industry} Professionals",
    "{city} {industry} Network",
    "Women in {dept}",
    "{dept} Leaders Forum",
    "{city} Startups & Founders",
    "{dept} Community {city}",
)
GROUP_TEMPLATES_FR: tuple[str, ...] = (
    "Réseau {industry} {city}",
    "Club {dept} {city}",
    "Les pros du {dept}",
    "{city} Tech & Entrepreneurs",
    "Femmes et {dept}",
)

INVITATION_NOTES: tuple[str, ...] = (
    "Hi {first}, great meeting you at the conference - let's stay in touch.",
    "Hi {first}, I'd love to connect and follow your work.",
    "Bonjour {first}, ravi d'avoir échangé avec vous, au plaisir de rester en contact.",
    "Hello {first}, we worked together a while ago - happy to reconnect!",
)
