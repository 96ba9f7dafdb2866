"""The real network Abitare serves, as described in `seed/network.txt` (see DOMAIN.md).

This is data, not demo: `partners.services.network_load` writes it into the database
and keeps it there, keyed on slugs. Only what the source text says is here; codes the
text does not give (codice fiscale, partita IVA, addresses) are left for an admin to
fill in, and the loader never touches them.

Inferences from the text, so a reader can check them:
- "cooperative socie" of the Consorzio Comunità Brianza (CCB): the cooperatives that
  work with CCB in the projects it leads (POP and the six of C.A.Se Desio) are
  recorded as its members. Consorzio CSeL is named apart from "le altre cooperative",
  so it is not a member of CCB.
- "i comuni dell'ambito territoriale" are not named one by one: the district
  (ambito territoriale) is recorded as one organisation, promoter and referring body.
- The aziende speciali consortili, which run the district's social services, are
  recorded as promoters (promotore / finanziatore).
"""

from dataclasses import dataclass, field

from projects.models import EligibilityQuestion, Participation, PriorityRule, Project

from .models import Organisation

Kind = Organisation.Kind
Role = Participation.Role


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    kind: str
    short_name: str = ""
    istat_code: str = ""
    # A municipality's own town and province; other organisations' addresses are left
    # to the admin.
    town: str = ""
    province: str = ""
    description: str = ""
    member_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSpec:
    """A question of a project's referral form (projects.EligibilityQuestion)."""

    text: str
    kind: str
    required: bool = True
    help_text: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectSpec:
    slug: str
    name: str
    kind: str
    short_name: str = ""
    description: str = ""
    target_group: str = ""
    priority_notes: str = ""
    # (organisation slug, Participation.Role)
    participations: tuple[tuple[str, str], ...] = ()
    area_served: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    # (PriorityRule.Criterion, points on creation): the text gives the priority, not a
    # weight, so the points are only a starting value a coordinator may change.
    priority_rules: tuple[tuple[str, int], ...] = field(default=())
    # The project's own intake questions, written on creation (an admin may edit them).
    eligibility_questions: tuple[QuestionSpec, ...] = field(default=())


POP = "pop"
CCB = "consorzio-comunita-brianza"
CSEL = "consorzio-csel"
ASC_DESIO = "asc-desio-brianza"
ASC_OFFERTA_SOCIALE = "asc-offerta-sociale"
UNION_ADDA_MARTESANA = "unione-adda-martesana"
AMBITO_DESIO = "ambito-desio"
AMBITO_VIMERCATE = "ambito-vimercate-trezzo"

# The six cooperatives of C.A.Se Desio, in the order of the text.
DESIO_COOPERATIVES = (
    "meta",
    "sociosfera",
    "treeeffe",
    "novo-millennio",
    "natur",
    "spazio-giovani",
)
CCB_MEMBER_COOPERATIVES = (POP, *DESIO_COOPERATIVES)

# Municipalities of the Unione di Comuni Lombarda Adda Martesana, with their ISTAT codes
# (Città metropolitana di Milano, prefix 015).
UNION_MUNICIPALITIES = (
    ("comune-bellinzago-lombardo", "Bellinzago Lombardo", "015016"),
    ("comune-liscate", "Liscate", "015122"),
    ("comune-pozzuolo-martesana", "Pozzuolo Martesana", "015177"),
    ("comune-truccazzano", "Truccazzano", "015222"),
)
UNION_MUNICIPALITY_SLUGS = tuple(slug for slug, _name, _istat in UNION_MUNICIPALITIES)


def _cooperative(slug: str, name: str) -> OrganisationSpec:
    return OrganisationSpec(
        slug=slug,
        name=f"Cooperativa sociale {name}",
        short_name=name,
        kind=Kind.SOCIAL_COOPERATIVE,
        member_of=(CCB,),
    )


ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(
        slug=POP,
        name="Cooperativa sociale POP",
        short_name="POP",
        kind=Kind.SOCIAL_COOPERATIVE,
        member_of=(CCB,),
        description=(
            "Pop ha l'obiettivo di sviluppare servizi ed attività sul tema dell'Abitare al "
            "fine di rispondere ai nuovi bisogni emergenziali che coinvolgono sia la "
            "popolazione italiana che quella migrante. L'idea di Abitare che Pop vuole "
            "promuovere è un lavoro sinergico con e tra i territori al fine di assicurare il "
            "sostegno socio abitativo e innovare l'idea del vivere solidale con un focus ai "
            "processi di métissage in corso in molti dei quartieri delle nostre città."
        ),
    ),
    OrganisationSpec(
        slug=CCB,
        name="Consorzio Comunità Brianza",
        short_name="CCB",
        kind=Kind.CONSORTIUM,
        description=(
            "Coordina il Sistema a rete per l'abitare sociale con le cooperative socie ed è "
            "capofila degli enti del terzo settore in C.A.Se Desio e Abitiamo Vimercate."
        ),
    ),
    _cooperative("meta", "Meta"),
    _cooperative("sociosfera", "Sociosfera"),
    _cooperative("treeeffe", "Treeeffe"),
    _cooperative("novo-millennio", "Novo Millennio"),
    _cooperative("natur", "Natur&"),
    _cooperative("spazio-giovani", "Spazio Giovani"),
    OrganisationSpec(
        slug=CSEL,
        name="Consorzio CSeL",
        short_name="CSeL",
        kind=Kind.CONSORTIUM,
    ),
    OrganisationSpec(
        slug=ASC_DESIO,
        name='Azienda Speciale Consortile "Desio-Brianza"',
        short_name="ASC Desio-Brianza",
        kind=Kind.SPECIAL_CONSORTIUM_COMPANY,
    ),
    OrganisationSpec(
        slug=ASC_OFFERTA_SOCIALE,
        name='Azienda Speciale Consortile "Offerta Sociale"',
        short_name="Offerta Sociale",
        kind=Kind.SPECIAL_CONSORTIUM_COMPANY,
    ),
    OrganisationSpec(
        slug=UNION_ADDA_MARTESANA,
        name="Unione di Comuni Lombarda Adda Martesana",
        short_name="Unione Adda Martesana",
        kind=Kind.UNION_OF_MUNICIPALITIES,
    ),
    *(
        OrganisationSpec(
            slug=slug,
            name=f"Comune di {town}",
            short_name=town,
            kind=Kind.MUNICIPALITY,
            istat_code=istat,
            town=town,
            province="MI",
            member_of=(UNION_ADDA_MARTESANA,),
        )
        for slug, town, istat in UNION_MUNICIPALITIES
    ),
    OrganisationSpec(
        slug=AMBITO_DESIO,
        name="Ambito territoriale di Desio",
        short_name="Ambito di Desio",
        kind=Kind.TERRITORIAL_DISTRICT,
    ),
    OrganisationSpec(
        slug=AMBITO_VIMERCATE,
        name="Ambito territoriale di Vimercate e Trezzo sull'Adda",
        short_name="Ambito di Vimercate e Trezzo",
        kind=Kind.TERRITORIAL_DISTRICT,
    ),
)


PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        slug="sistema-a-rete",
        name="Sistema a rete per l'abitare sociale",
        short_name="Sistema a rete",
        kind=Project.Kind.NETWORK,
        description=(
            "Il progetto promuove l'abitare sociale rispondendo ad un disagio abitativo "
            "secondo un approccio multidimensionale, non solo legato alla \u201ccasa\u201d "
            "quanto all'abitare in senso ampio. La rete è coordinata dal Consorzio Comunità "
            "Brianza e cooperative socie che lavorano nel settore."
        ),
        target_group="Persone e nuclei familiari in condizione di disagio abitativo.",
        participations=(
            (CCB, Role.LEAD),
            *((coop, Role.PARTNER) for coop in CCB_MEMBER_COOPERATIVES),
        ),
    ),
    ProjectSpec(
        slug="cohousing-adda-martesana",
        name="Co-housing Unione di Comuni Lombarda Adda Martesana",
        short_name="Co-housing Adda Martesana",
        kind=Project.Kind.CO_HOUSING,
        description=(
            "Progetto sperimentale di Co-housing lanciato dai comuni facenti parte "
            "dell'Unione (Bellinzago Lombardo, Liscate, Pozzuolo Martesana e Truccazzano), "
            "che vede la cooperativa POP al coordinamento operativo. Il progetto è volto al "
            "superamento di vulnerabilità e di accompagnamento all'autonomia, in via "
            "prioritaria di donne con figli."
        ),
        target_group=(
            "Persone in condizione di vulnerabilità da accompagnare all'autonomia, in via "
            "prioritaria donne con figli."
        ),
        priority_notes="in via prioritaria donne con figli",
        participations=(
            *((slug, Role.PROMOTER) for slug in UNION_MUNICIPALITY_SLUGS),
            *((slug, Role.REFERRING_BODY) for slug in UNION_MUNICIPALITY_SLUGS),
            (POP, Role.OPERATIONAL_COORDINATOR),
        ),
        area_served=UNION_MUNICIPALITY_SLUGS,
        priority_rules=((PriorityRule.Criterion.WOMAN_WITH_CHILDREN, 10),),
        # From the text: priority to women with children, for the Union's residents.
        eligibility_questions=(
            QuestionSpec(
                text="Il nucleo è composto da una donna con figli minori?",
                kind=EligibilityQuestion.Kind.YES_NO,
                help_text="Il progetto accoglie in via prioritaria donne con figli.",
            ),
            QuestionSpec(
                text="Età del figlio più piccolo (anni compiuti)",
                kind=EligibilityQuestion.Kind.NUMBER,
                required=False,
                help_text="Solo se nel nucleo ci sono minori.",
            ),
            QuestionSpec(
                text="Comune di residenza",
                kind=EligibilityQuestion.Kind.CHOICE,
                help_text="Il progetto è dei comuni dell'Unione Adda Martesana.",
                options=(
                    *(name for _slug, name, _istat in UNION_MUNICIPALITIES),
                    "Altro comune",
                ),
            ),
        ),
    ),
    ProjectSpec(
        slug="case-desio",
        name="C.A.Se Desio",
        kind=Project.Kind.TEMPORARY_HOUSING,
        description=(
            "Progetto finalizzato all'abitare temporaneo di persone in emergenza abitativa. "
            'Gli attori coinvolti sono l\'Azienda Speciale Consortile "Desio-Brianza", i '
            "comuni dell'ambito territoriale e gli enti del terzo settore con capofila "
            "Consorzio Comunità Brianza (le altre cooperative sono Meta, Sociosfera, "
            "Treeeffe, Novo Millennio, Natur&, Spazio Giovani)."
        ),
        target_group="Persone in emergenza abitativa.",
        participations=(
            (ASC_DESIO, Role.PROMOTER),
            (AMBITO_DESIO, Role.PROMOTER),
            (AMBITO_DESIO, Role.REFERRING_BODY),
            (CCB, Role.LEAD),
            *((coop, Role.PARTNER) for coop in DESIO_COOPERATIVES),
        ),
        area_served=(AMBITO_DESIO,),
    ),
    ProjectSpec(
        slug="abitiamo-vimercate",
        name="Abitiamo Vimercate",
        kind=Project.Kind.ANTI_POVERTY,
        description=(
            "Interventi di contrasto alle condizioni di disagio dei nuclei familiari o "
            "singoli, dovuto al perdurare di condizioni di povertà, marginalità e povertà "
            "estrema che coinvolgono i cittadini dell'Ambito Territoriale di Vimercate e "
            "Trezzo sull'Adda. Gli attori coinvolti sono l'Azienda Speciale Consortile "
            '"Offerta Sociale", i comuni dell\'ambito territoriale e gli enti del terzo '
            "settore con capofila Consorzio Comunità Brianza (le altre cooperative sono POP, "
            "Meta, Sociosfera) e Consorzio CSeL."
        ),
        target_group=(
            "Nuclei familiari o singoli in condizioni di disagio dovuto al perdurare di "
            "povertà, marginalità e povertà estrema, cittadini dell'Ambito Territoriale di "
            "Vimercate e Trezzo sull'Adda."
        ),
        participations=(
            (ASC_OFFERTA_SOCIALE, Role.PROMOTER),
            (AMBITO_VIMERCATE, Role.PROMOTER),
            (AMBITO_VIMERCATE, Role.REFERRING_BODY),
            (CCB, Role.LEAD),
            (POP, Role.PARTNER),
            ("meta", Role.PARTNER),
            ("sociosfera", Role.PARTNER),
            (CSEL, Role.PARTNER),
        ),
        area_served=(AMBITO_VIMERCATE,),
        services=(
            "Centro servizi per il contrasto alla povertà",
            "Sperimentazione di un sistema integrato di accoglienza residenziale ed "
            "accompagnamento all'autonomia abitativa",
        ),
    ),
)
