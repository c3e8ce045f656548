"""Countries, roles, authors, language, summaries and slugs."""

from __future__ import annotations

import re

import pytest

from belong_scraper.normalise import (
    clean_author,
    country_code,
    country_name,
    detect_language,
    first_sentences,
    make_slug,
    partner_role,
    summary_from_teaser,
)
from belong_scraper.profile import load_profile

LANGS = ("en", "es", "fr", "it", "el", "ro", "sv", "de", "pt", "nl")


@pytest.mark.parametrize(
    ("value", "code"),
    [("es", "ES"), ("Se", "SE"), ("EL", "GR"), ("UK", "GB"), ("Spain", "ES"), ("Italy", "IT"),
     ("zz", None), ("", None)],
)  # fmt: skip
def test_country_code(value: str, code: str | None) -> None:
    assert country_code(value) == code


def test_country_name_is_short_english() -> None:
    assert [country_name(c) for c in ("ES", "NL", "GR", "SE")] == [
        "Spain", "Netherlands", "Greece", "Sweden"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "role"),
    [("Lead partner", "lead_partner"), ("LEAD PARTNER", "lead_partner"), ("Partner", "partner"),
     ("Technical partner", "technical_partner"), ("Associate", "associate"),
     ("Associated partner", "associate"), ("Lead partner (coordinator)", "lead_partner"),
     ("Sponsor", None)],
)  # fmt: skip
def test_partner_role(raw: str, role: str | None, profile) -> None:
    assert partner_role(raw, profile.role_vocab) == role


@pytest.mark.parametrize(
    ("raw", "author"),
    [("by Maite Hernandez", "Maite Hernandez"), ("By  AER  Secretariat", "AER Secretariat"),
     ("por Ana López", "Ana López"), ("Communications Team", "Communications Team"), ("", None)],
)  # fmt: skip
def test_clean_author(raw: str, author: str | None, profile) -> None:
    assert clean_author(raw, profile.article.author_prefix) == author


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The partners met in Brussels to discuss regional integration strategies and the "
         "intercultural approach to migrant inclusion.", "en"),
        ("La Región de Navarra organizó un taller sobre la integración de las personas "
         "migrantes y el enfoque intercultural en las políticas regionales.", "es"),
        ("La Regione Puglia ha ospitato un seminario sull'integrazione dei migranti e "
         "sull'approccio interculturale nelle politiche regionali.", "it"),
        ("La Région Île-de-France a accueilli un atelier sur l'intégration des personnes "
         "migrantes et l'approche interculturelle des politiques régionales.", "fr"),
        ("Η Περιφέρεια Κεντρικής Μακεδονίας φιλοξένησε εργαστήριο για την ένταξη των "
         "μεταναστών και τη διαπολιτισμική προσέγγιση.", "el"),
        ("Too short", "en"),
    ],
)  # fmt: skip
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text, LANGS, "en") == language


def test_summary_completes_the_cut_sentence() -> None:
    body = "On 10 July, the AER President met the Commissioner. They spoke of regions. More."
    assert summary_from_teaser("On 10 July, the AER President", body) == (
        "On 10 July, the AER President met the Commissioner."
    )


def test_summary_keeps_a_custom_teaser() -> None:
    assert summary_from_teaser("A call for regions", "Unrelated body.") == "A call for regions"


def test_first_sentences_are_whole() -> None:
    text = "First sentence is here. " * 20
    summary = first_sentences(text)
    assert summary.endswith(".") and 160 <= len(summary) <= 400


@pytest.mark.parametrize(
    ("title", "slug"),
    [("How will an Intercultural Approach help Europe’s Regions- The EU-BELONG Project takes off!",
      "how-will-an-intercultural-approach-help-europes-regions-the-eu-belong-project"),
     ("Malmö: Ελλάδα & Île-de-France", "malmo-ellada-ile-de-france"), ("", "untitled")],
)  # fmt: skip
def test_make_slug(title: str, slug: str) -> None:
    assert make_slug(title) == slug
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", make_slug(title))


@pytest.mark.parametrize(
    "title",
    ["Synthèse de l’atelier (DOCX, 120 Ko)", "Synthèse de l’atelier (PDF, 2 MB)",
     "Synthèse de l’atelier (pdf, 800 kB)", "Synthèse de l’atelier (ODT, 1,2 Mo)",
     "Synthèse de l’atelier (XLSX, 15 KiB)"],
)  # fmt: skip
def test_attachment_size_notes_in_any_unit_are_removed(title: str) -> None:
    size_note = load_profile().attachments.size_note
    assert size_note.sub("", title) == "Synthèse de l’atelier"


@pytest.mark.parametrize(
    ("role_raw", "flagged"),
    [("Regional partner", True), ("Associated partner", True), ("Technical partner", False),
     ("Lead partner", False)],
)  # fmt: skip
def test_a_missing_region_is_flagged_for_regional_and_associated_partners(
    role_raw: str, flagged: bool
) -> None:
    from belong_scraper.items import Partner
    from pipelines.normalise import NormalisePipeline

    partner = Partner(id="partner-ro-x", name="X", country_code="RO", role_raw=role_raw)
    NormalisePipeline(load_profile()).process_item(partner)
    assert ("missing-region" in partner.review_flags) is flagged
