"""A password validator for the passwords that attackers try first.

OWASP ASVS 4.0.3 (2.1.7) and NIST SP 800-63B (5.1.1.2) ask to refuse passwords that
appear in breach corpora and passwords built from context-specific words, and (2.1.9)
to impose no composition rules. Django's CommonPasswordValidator already refuses the
20,000 most common passwords as typed; breach corpora are full of those same passwords
with a predictable decoration, which this validator catches:

- a common password with digits, a year or symbols before or after it, leet-speak
  (`P@ssw0rd2024!`), or repeated (`amoreamore`);
- keyboard walks, alphabet runs and repeated characters (`qwertyuiop12`, `1qaz2wsx3edc`,
  `aaaaaaaaaaaa`);
- the user's own names, username or e-mail, or the service's name (`abitare`), with
  decoration (`alicerossi1990`, `Abitare2024!`).

A long passphrase that merely contains one of these words (`abitare-in-via-roma-sette`)
stays allowed: only what is left after removing the guessable part is judged.
"""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

SERVICE_WORDS = ("abitare",)

# Common Italian passwords and words of this network that English-centric lists miss.
ITALIAN_COMMON = {
    "amore",
    "tiamo",
    "ciao",
    "ciaociao",
    "password",
    "parolachiave",
    "segreto",
    "juventus",
    "forzajuve",
    "forzainter",
    "forzamilan",
    "forzanapoli",
    "forzaroma",
    "napoli",
    "milano",
    "roma",
    "lazio",
    "inter",
    "milan",
    "italia",
    "brianza",
    "desio",
    "vimercate",
    "monza",
    "lombardia",
    "cooperativa",
    "consorzio",
    "comune",
    "sociale",
    "operatore",
    "operatrice",
    "benvenuto",
    "benvenuta",
    "casa",
    "famiglia",
    "lavoro",
    "ufficio",
    "primavera",
    "estate",
    "autunno",
    "inverno",
}

# Sequences on which a run of neighbouring characters is a "walk": keyboard rows of the
# QWERTY (English and Italian), QWERTZ and AZERTY layouts, their columns, the alphabet
# and the digits. Each is also read backwards.
_WALKS = (
    "`1234567890-=",
    "qwertyuiop[]",
    "asdfghjkl;'",
    "asdfghjklòàù",
    "zxcvbnm,./",
    "qwertzuiopü",
    "yxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_ALL_LEET = str.maketrans(_LEET)
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEPARATORS = re.compile(r"[\s\-_.]+")
_MIN_CORE = 3
_WALK_SHARE = 0.75


def _neighbours() -> set[tuple[str, str]]:
    pairs = set()
    for line in _WALKS:
        for a, b in zip(line, line[1:], strict=False):
            pairs.add((a, b))
            pairs.add((b, a))
    return pairs


_NEIGHBOURS = _neighbours()


def walk_share(text: str) -> float:
    """The share of `text` made of runs (3 or more characters) of keyboard neighbours,
    alphabet or digit sequences, or repeated characters."""
    if not text:
        return 0.0
    covered = 0
    run = 1
    for prev, char in zip(text, text[1:], strict=False):
        if char == prev or (prev, char) in _NEIGHBOURS:
            run += 1
            continue
        if run >= 3:
            covered += run
        run = 1
    if run >= 3:
        covered += run
    return covered / len(text)


def _period(text: str) -> str:
    """`amoreamore` -> `amore`: the shortest block the text repeats."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def _deleet(text: str) -> str:
    """`p@ssw0rd2024` -> `password2024`: a digit or symbol between two letters (or a
    symbol opening a word) stands for a letter; digits around a word are decoration."""
    chars = list(text)
    for i, char in enumerate(chars):
        if char not in _LEET:
            continue
        before = chars[i - 1] if i > 0 else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        inside = before.isalpha() and after.isalpha()
        opening = i == 0 and char in "@$" and after.isalpha()
        if inside or opening:
            chars[i] = _LEET[char]
    return "".join(chars)


def _readings(text: str) -> set[str]:
    return {_deleet(text), text.translate(_ALL_LEET)}


def _context_words(user) -> list[str]:
    words = list(SERVICE_WORDS)
    if user is not None:
        for attr in ("username", "first_name", "last_name", "email"):
            value = str(getattr(user, attr, "") or "").lower()
            if attr == "email":
                value = value.partition("@")[0]
            words += [part for part in re.split(r"[\W_]+", value) if len(part) >= 3]
            compact = re.sub(r"[\W_]+", "", value)
            if len(compact) >= 3:
                words.append(compact)
    # Longest first, so "alicerossi" goes before "alice".
    return sorted(set(words), key=len, reverse=True)


class BreachedLookingPasswordValidator:
    """Refuse passwords built from a guessable base plus a predictable decoration."""

    def __init__(self, min_core: int = _MIN_CORE):
        self.min_core = min_core

    @cached_property
    def common(self) -> set[str]:
        return CommonPasswordValidator().passwords | ITALIAN_COMMON

    def validate(self, password, user=None):
        lowered = password.lower()
        compact = _SEPARATORS.sub("", lowered)
        if walk_share(compact) >= _WALK_SHARE:
            raise ValidationError(
                _(
                    "Questa password è una sequenza di tasti vicini sulla tastiera, "
                    "di lettere o numeri in fila o di caratteri ripetuti: è tra le prime "
                    "che un attaccante prova."
                ),
                code="password_keyboard_walk",
            )
        # What is left after reading leet-speak and removing the user's names and the
        # service's name. Leet-speak is read two ways: only inside words (`p@ssw0rd1`
        # -> `password1`, the final digit being decoration) and everywhere (`4l1ce` ->
        # `alice`); either reading being guessable is enough.
        words = _context_words(user)
        readings = [self._reduce(text, words) for text in _readings(compact)]
        if any(named and self._guessable(core) for named, core in readings):
            raise ValidationError(
                _(
                    "Questa password è costruita sul tuo nome, sul tuo nome utente o sul "
                    "nome dell'applicazione: è facile da indovinare."
                ),
                code="password_personal",
            )
        if any(self._guessable(core) for _named, core in readings):
            raise ValidationError(
                _(
                    "Questa password è una password comune con l'aggiunta di numeri, anni "
                    "o simboli: compare negli elenchi di password rubate."
                ),
                code="password_breached_looking",
            )

    @staticmethod
    def _reduce(text: str, words: list[str]) -> tuple[bool, str]:
        """(whether a context word was found, the rest without its decoration)."""
        named = False
        for word in words:
            if word in text:
                named = True
                text = text.replace(word, "")
        return named, _DECORATION.sub("", text)

    def _guessable(self, core: str) -> bool:
        return len(core) < self.min_core or core in self.common or _period(core) in self.common

    def get_help_text(self):
        return _(
            "La password non può essere una password comune con l'aggiunta di numeri o "
            "simboli, una sequenza di tasti della tastiera, né basarsi sul tuo nome o sul "
            "nome dell'applicazione."
        )
