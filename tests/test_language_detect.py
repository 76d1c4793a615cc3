"""Language detection: the function-word fast path answers only when the model would agree."""

from __future__ import annotations

import pytest

from service.nlp import language

TEXTS = {
    "en": (
        "The council approved the new budget on Tuesday after a long debate, and the mayor said it was fair."
    ),
    "es": (
        "El Ayuntamiento aprobó el martes el nuevo presupuesto tras "
        "un largo debate con los vecinos y la oposición."
    ),
    "de": (
        "Der Stadtrat hat am Dienstag den neuen "
        "Haushalt beschlossen, und die Bürgermeisterin ist nicht zufrieden."
    ),
    "fr": (
        "Le conseil municipal a approuvé mardi le nouveau budget "
        "après un long débat avec les habitants du quartier."
    ),
    "it": (
        "Il consiglio comunale ha approvato il nuovo bilancio "
        "dopo un lungo dibattito con gli abitanti della città."
    ),
    "pt": (
        "A câmara municipal aprovou o novo orçamento depois de um longo debate com os moradores da cidade."
    ),
    "nl": (
        "De gemeenteraad heeft het nieuwe budget goedgekeurd na een lang debat met de bewoners van de stad."
    ),
}


@pytest.mark.parametrize("code", ["en", "es", "de", "fr"])
def test_a_clear_text_is_answered_without_the_model_and_agrees_with_it(code: str) -> None:
    sample = (TEXTS[code] + " ") * 4
    assert language._clear_language(sample) == code
    assert language.detect_by_model(sample) == code
    assert language.detect(sample) == code


@pytest.mark.parametrize("code", ["it", "pt", "nl"])
def test_a_neighbouring_language_goes_to_the_model(code: str) -> None:
    sample = (TEXTS[code] + " ") * 4
    assert language._clear_language(sample) is None
    assert language.detect(sample) == language.detect_by_model(sample)


def test_few_letters_are_the_default() -> None:
    assert language.detect("12 345 678 — 9", default="fr") == "fr"
