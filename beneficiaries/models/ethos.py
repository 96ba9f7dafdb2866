"""ETHOS Light: the European typology of homelessness and housing exclusion in the
short form that FEANTSA and the European Commission's study "Measurement of
Homelessness at European Union Level" (Edgar, Harrison, Watson, Busch-Geertsema, 2007)
propose for collecting data: six operational categories, to which Abitare adds "not
homeless" for the household that has a home of its own (at exit, at follow-up).

The network records the household's category at referral, at entry (the opening of the
case), at exit and at each follow-up, so that the movement between categories can be
counted (dashboard.indicators.ethos). The definitions below are those of the study,
in the Italian of fio.PSD's translation, shown beside each choice in the forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EthosLight(models.TextChoices):
    """The operational category of ETHOS Light the household is in; the numbers are the
    typology's own (1 the most severe), "not homeless" comes after the six."""

    ROUGH = "1", _("1. Persone che vivono in strada")
    EMERGENCY = "2", _("2. Persone in sistemazioni di emergenza")
    HOMELESS_ACCOMMODATION = "3", _("3. Persone in strutture di accoglienza per senza dimora")
    INSTITUTIONS = "4", _("4. Persone che vivono in istituti")
    NON_CONVENTIONAL = "5", _("5. Persone in alloggi non convenzionali per mancanza di casa")
    FAMILY_AND_FRIENDS = (
        "6",
        _("6. Persone ospitate temporaneamente da familiari o amici per mancanza di casa"),
    )
    NOT_HOMELESS = "0", _("Non in condizione di grave esclusione abitativa")


# The conceptual category (ETHOS) each operational one belongs to, and what it covers:
# the living situation and its definition, as the 2007 study writes them.
ETHOS_DEFINITIONS = {
    EthosLight.ROUGH: _(
        "Senza tetto. Spazio pubblico o esterno: vive in strada o in spazi pubblici, "
        "senza un riparo che si possa definire alloggio."
    ),
    EthosLight.EMERGENCY: _(
        "Senza tetto. Dormitori e accoglienza notturna: persone senza una residenza "
        "abituale che si spostano di frequente tra diversi tipi di sistemazione."
    ),
    EthosLight.HOMELESS_ACCOMMODATION: _(
        "Senza casa. Strutture per senza dimora, alloggi temporanei, alloggi "
        "transitori con accompagnamento, case rifugio per donne: il periodo di "
        "permanenza è inferiore a un anno."
    ),
    EthosLight.INSTITUTIONS: _(
        "Senza casa. Istituti sanitari o penitenziari: vi resta più del necessario per "
        "mancanza di una casa, o non ha un'abitazione disponibile all'uscita."
    ),
    EthosLight.NON_CONVENTIONAL: _(
        "Sistemazione insicura o inadeguata. Case mobili, edifici non convenzionali, "
        "strutture temporanee: usati per mancanza di casa, non sono il luogo di "
        "residenza abituale."
    ),
    EthosLight.FAMILY_AND_FRIENDS: _(
        "Sistemazione insicura. Alloggio convenzionale, ma non quello di residenza "
        "abituale: ospite di familiari o amici per mancanza di una casa."
    ),
    EthosLight.NOT_HOMELESS: _(
        "Ha una casa propria (in affitto, di proprietà, popolare) in cui può restare: "
        "nessuna delle sei categorie."
    ),
}


# From the most severe to a home of one's own: a household "improves" when its rank
# grows between two moments (dashboard.indicators.ethos).
ETHOS_RANK = {
    EthosLight.ROUGH: 1,
    EthosLight.EMERGENCY: 2,
    EthosLight.HOMELESS_ACCOMMODATION: 3,
    EthosLight.INSTITUTIONS: 4,
    EthosLight.NON_CONVENTIONAL: 5,
    EthosLight.FAMILY_AND_FRIENDS: 6,
    EthosLight.NOT_HOMELESS: 7,
}


def ethos_field(verbose_name) -> models.CharField:
    """The field that records a household's ETHOS Light category at one moment."""
    return models.CharField(
        verbose_name, max_length=1, choices=EthosLight.choices, blank=True, default=""
    )
