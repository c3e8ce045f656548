"""`[body]`: how a body's leftovers of its CMS become content (shortcodes printed as text,
raw paragraphs, emoji images, lazy-loaded videos), for any site whose editor leaves them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from belong_scraper.profile.fields import Regex, Selectors, Text, Words
from belong_scraper.profile.section import Section

# What a shortcode printed as text becomes (its plugin is missing, or the template
# prints the stored content unfiltered).
ShortcodeTreatment = Literal["image", "embed", "link", "inner", "drop"]


class EmbedPlaceholder(Section):
    """An element standing for a video until a script loads it (a lazy-load player)."""

    selector: Selectors = Field(
        description="The placeholder element.", examples=[["div.rll-youtube-player"]]
    )
    attribute: Text = Field(
        description="Its attribute holding the player URL.", examples=["data-src"]
    )


class EmbedPlayer(Section):
    """One way of writing a video's address, and the player URL it stands for."""

    pattern: Regex = Field(
        description="Matched (searched) in an embed's URL; group `id` is the video.",
        examples=[r"^https?://(?:www\.)?youtube\.com/(?:watch\?v=|embed/)(?P<id>[\w-]+)"],
    )
    player: Text = Field(
        description="The embed's URL, `{id}` the video.",
        examples=["https://www.youtube.com/embed/{id}"],
    )

    @model_validator(mode="after")
    def _has_id_group(self) -> EmbedPlayer:
        if "id" not in self.pattern.groupindex:
            raise ValueError(f"pattern '{self.pattern.pattern}' has no group (?P<id>...)")
        return self


class BodyRules(Section):
    """Article, page and partner bodies: what their CMS left in them."""

    shortcodes: dict[str, ShortcodeTreatment] = Field(
        default_factory=dict,
        description="Shortcodes left as text, by name, and what each becomes: `image` "
        "(`[caption]IMG CAPTION[/caption]`: a figure with that caption), `embed` "
        "(`[embed]URL[/embed]`: the video), `link` (its inner text, linked to its URL "
        "attribute, see `shortcode_url_attributes`), `inner` (its inner text alone), "
        "`drop` (gone, with what it encloses). A shortcode not named here stays text.",
        examples=[
            {"caption": "image", "embed": "embed", "su_button": "link", "contact-form-7": "drop"}
        ],
    )
    shortcode_url_attributes: Words = Field(
        default=("url", "href", "link"),
        description="The attributes a `link` shortcode's URL is read from, in order; "
        "without one it keeps its inner text.",
        examples=[["url", "href"]],
    )
    blank_line_paragraphs: bool = Field(
        default=False,
        description="Text standing in the body outside any block is split into paragraphs "
        "at blank lines (content stored without `<p>`, printed unfiltered).",
        examples=[True],
    )
    break_run_paragraphs: bool = Field(
        default=False,
        description="A paragraph holding two or more `<br>` in a row is split there (a "
        "blank line typed inside one paragraph).",
        examples=[True],
    )
    paragraphs: Selectors = Field(
        default=(),
        description="Elements that are a paragraph of their own whatever their tag (a "
        "file block, a button): kept apart instead of run into their neighbours.",
        examples=[[".wp-block-file", ".wp-block-button"]],
    )
    text_images: Selectors = Field(
        default=(),
        description="Images that stand for a character (emoji): replaced by their `alt`, "
        "never images of the record.",
        examples=[["img.emoji", "img.wp-smiley"]],
    )
    embed_urls: Selectors = Field(
        default=(),
        description="Elements whose whole text is a video's URL (an embed block not "
        "rendered): the video becomes an embed, the element goes.",
        examples=[[".wp-block-embed__wrapper"]],
    )
    embed_placeholders: tuple[EmbedPlaceholder, ...] = Field(
        default=(),
        description="Lazy-load placeholders of videos: each is an embed, and goes.",
        examples=[[{"selector": "div.rll-youtube-player", "attribute": "data-src"}]],
    )
    noscript_embeds: bool = Field(
        default=False,
        description="iframes inside `<noscript>` (a lazy loader's fallback) are embeds too.",
        examples=[True],
    )
    embed_players: tuple[EmbedPlayer, ...] = Field(
        default=(),
        description="Every embed's URL is rewritten to the first matching player URL "
        "(a watch page, a short link or a player URL with its query: one URL per video); "
        "an embed no pattern matches keeps its URL.",
        examples=[
            [
                {
                    "pattern": r"^https?://(?:www\.)?youtube\.com/(?:watch\?v=|embed/)(?P<id>[\w-]+)",
                    "player": "https://www.youtube.com/embed/{id}",
                }
            ]
        ],
    )
