"""The network's own autonomy scale: ten life domains, five levels each.

This is not the licensed Outcomes Star: it is a simple scale written for Abitare. Each
level is described in plain Italian, so that the worker and the household can choose
it together, and the same words are shown wherever a score is read. All the text of
the scale lives here: models, forms and pages read it from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LEVELS = (1, 2, 3, 4, 5)
MIN_LEVEL = LEVELS[0]
MAX_LEVEL = LEVELS[-1]

# The names of the five steps, the same in every domain.
LEVEL_NAMES = {
    1: _("In emergenza"),
    2: _("Fragile"),
    3: _("In cammino"),
    4: _("Quasi autonomo"),
    5: _("Autonomo"),
}


class Domain(models.TextChoices):
    HOUSING = "housing", _("Situazione abitativa")
    HOME_CARE = "home_care", _("Cura della casa e convivenza")
    WORK = "work", _("Lavoro e formazione")
    MONEY = "money", _("Reddito e gestione del denaro")
    HEALTH = "health", _("Salute e benessere")
    FAMILY = "family", _("Cura di sé, dei figli e della famiglia")
    DOCUMENTS = "documents", _("Documenti e pratiche")
    LANGUAGE = "language", _("Lingua italiana")
    SOCIAL_NETWORK = "social_network", _("Rete sociale e vicinato")
    SERVICES = "services", _("Servizi del territorio e spostamenti")


DOMAINS = tuple(Domain)

# What each level means in each domain, in the words the worker reads to the household.
DESCRIPTIONS: dict[str, dict[int, Promise]] = {
    Domain.HOUSING: {
        1: _("Non ha un posto dove dormire o lo sta perdendo in questi giorni."),
        2: _("Ha un posto temporaneo e incerto (ospite, accoglienza d'emergenza)."),
        3: _("È accolto in un alloggio del progetto e ne rispetta gli accordi."),
        4: _("Sta cercando casa in modo attivo e ha una soluzione in vista."),
        5: _("Ha una casa stabile a suo nome e la mantiene da solo."),
    },
    Domain.HOME_CARE: {
        1: _("La casa è trascurata e la convivenza è spesso in conflitto."),
        2: _("Tiene in ordine la casa e rispetta le regole solo se qualcuno lo segue da vicino."),
        3: _("Si occupa della casa con qualche promemoria; i conflitti si risolvono parlando."),
        4: _("Cura la casa e gli spazi comuni; chiede aiuto solo per problemi rari."),
        5: _("Cura la casa, i rapporti con i vicini e le piccole manutenzioni da solo."),
    },
    Domain.WORK: {
        1: _("Non lavora e non cerca lavoro né formazione."),
        2: _("Vorrebbe lavorare ma non sa da dove cominciare."),
        3: _("Cerca lavoro con l'aiuto dell'operatore o segue un corso o un tirocinio."),
        4: _("Lavora, ma con un contratto breve o poche ore."),
        5: _("Ha un lavoro stabile che basta a mantenere il nucleo."),
    },
    Domain.MONEY: {
        1: _("Non ha entrate o ha debiti che non riesce a gestire."),
        2: _("Ha entrate irregolari e spesso non arriva a fine mese."),
        3: _("Tiene un bilancio con l'operatore e paga la quota di compartecipazione."),
        4: _("Gestisce entrate e spese da solo; mette da parte qualcosa."),
        5: _("Paga affitto e bollette con regolarità e ha un piccolo risparmio."),
    },
    Domain.HEALTH: {
        1: _("Ha bisogni di salute urgenti che non sono seguiti da nessuno."),
        2: _("Va dal medico solo in emergenza."),
        3: _("Ha un medico di base e segue le cure con qualche aiuto."),
        4: _("Prenota visite e segue le cure da solo, con qualche dimenticanza."),
        5: _("Si prende cura della propria salute e di quella del nucleo da solo."),
    },
    Domain.FAMILY: {
        1: _("Non riesce a occuparsi di sé o dei figli; servono interventi urgenti."),
        2: _("Si occupa di sé e dei figli con molte difficoltà e molto aiuto."),
        3: _("Segue la scuola e la cura dei figli con il sostegno dell'operatore."),
        4: _("Si organizza da solo; chiede aiuto nei momenti difficili."),
        5: _("Si occupa di sé e della famiglia in piena autonomia."),
    },
    Domain.DOCUMENTS: {
        1: _("Non ha documenti validi o non sa quali gli servono."),
        2: _("Ha documenti scaduti o pratiche ferme."),
        3: _("Rinnova documenti e pratiche accompagnato dall'operatore."),
        4: _("Segue le pratiche da solo; chiede aiuto per quelle complicate."),
        5: _("Ha tutti i documenti in regola e li rinnova da solo in tempo."),
    },
    Domain.LANGUAGE: {
        1: _("Non parla né capisce l'italiano."),
        2: _("Capisce poche parole; serve sempre un mediatore."),
        3: _("Si fa capire nelle situazioni semplici; frequenta un corso."),
        4: _("Parla e capisce bene; ha difficoltà con testi e moduli."),
        5: _("Parla, legge e scrive l'italiano come serve nella vita di ogni giorno."),
    },
    Domain.SOCIAL_NETWORK: {
        1: _("È solo e isolato; non ha nessuno a cui chiedere aiuto."),
        2: _("Ha pochi contatti e poco affidabili."),
        3: _("Partecipa ad attività di gruppo o di quartiere proposte dal progetto."),
        4: _("Ha amici o vicini su cui contare."),
        5: _("Ha una rete stabile e aiuta a sua volta altre persone."),
    },
    Domain.SERVICES: {
        1: _("Non conosce i servizi del territorio e non sa come spostarsi."),
        2: _("Usa i servizi solo se accompagnato."),
        3: _("Sa a quali servizi rivolgersi; a volte serve accompagnarlo."),
        4: _("Usa servizi e mezzi pubblici da solo, con qualche incertezza."),
        5: _("Usa servizi e mezzi pubblici da solo e con sicurezza."),
    },
}


@dataclass(frozen=True)
class Level:
    value: int
    name: Promise
    description: Promise

    @property
    def label(self) -> str:
        return f"{self.value} · {self.name} — {self.description}"


def level(domain: str, value: int) -> Level:
    return Level(value=value, name=LEVEL_NAMES[value], description=DESCRIPTIONS[domain][value])


def levels(domain: str) -> list[Level]:
    return [level(domain, value) for value in LEVELS]


def domain_label(domain: str) -> str:
    return Domain(domain).label
