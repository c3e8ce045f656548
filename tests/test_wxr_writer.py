"""The WXR's elements are made as text by hand (targets/wxr._leaf, _parent): the bytes must
be the ones lxml's incremental writer makes for the same elements, for any text."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from belong_scraper.cleaning import remove_unsafe_chars
from belong_scraper.targets.wxr import _CHECK, _leaf, _parent, _Writer

# Any text at all (controls, surrogates, noncharacters, astral characters), and markup.
ANY_TEXT = st.text(max_size=12) | st.sampled_from(
    ["a & b", "<p>x</p>", "]]>", "a]]>b]]>", "]]", "x]", '"q"', "tab\there", "cr\rlf\n", "",
     "\x00\x0b\x0c\x1f\x7f\x85", "\ud800x", "\ufffe\uffff", "\U0001f600\U0010ffff"]
)  # fmt: skip
# An attribute holds only what lxml lets through (it refuses the rest, as _leaf does).
XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
        lambda c: c in "\t\n\r" or ord(c) >= 0x20
    ),
    max_size=12,
) | st.sampled_from(["a & b", "<p>x</p>", "]]>", '"q"', "tab\there", "cr\rlf\n", ""])


def reference_leaf(xf, stream, name, text, depth, cdata=False, **attrib) -> None:
    """The writer as it was: one lxml element context per element."""
    clean = remove_unsafe_chars(text)
    xf.write("\n" + "  " * depth)
    with xf.element(name, attrib):
        if cdata and "]]>" not in clean:
            if "]" not in clean:
                xf.write(etree.CDATA(clean))
            else:  # lxml's CDATA refuses a "]" next to the end; the section is the same
                xf.flush()
                stream.write(b"<![CDATA[" + clean.encode("utf-8") + b"]]>")
        else:
            xf.write(clean)


def written(write) -> bytes:
    stream = io.BytesIO()
    with etree.xmlfile(stream, encoding="UTF-8") as xf, xf.element("channel"):
        write(xf, stream)
    return stream.getvalue()


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=4), attribute=XML_TEXT,
       cdata=st.booleans())  # fmt: skip
def test_hand_made_items_are_lxmls_bytes(texts: list[str], attribute: str, cdata: bool):
    def by_hand(xf, stream) -> None:
        children = [_leaf("title", texts[0], 3, cdata=cdata), _leaf("wp:post_id", "7", 3)]
        children += [_leaf("category", t, 3, cdata=True, domain="post_tag", nicename=attribute)
                     for t in texts[1:]]  # fmt: skip
        children.append(_parent("wp:postmeta", 3, [_leaf("wp:meta_key", texts[-1], 4,
                                                          cdata=True)]))  # fmt: skip
        _Writer(xf, stream).write(_parent("item", 2, children))

    def by_lxml(xf, stream) -> None:
        xf.write("\n    ")
        with xf.element("item"):
            reference_leaf(xf, stream, "title", texts[0], 3, cdata=cdata)
            reference_leaf(xf, stream, "wp:post_id", "7", 3)
            for t in texts[1:]:
                reference_leaf(xf, stream, "category", t, 3, cdata=True, domain="post_tag",
                               nicename=attribute)  # fmt: skip
            xf.write("\n      ")
            with xf.element("wp:postmeta"):
                reference_leaf(xf, stream, "wp:meta_key", texts[-1], 4, cdata=True)
                xf.write("\n      ")
            xf.write("\n    ")

    assert written(by_hand) == written(by_lxml)


@settings(max_examples=400, deadline=None)
@given(text=ANY_TEXT)
def test_lxml_takes_every_text_remove_unsafe_chars_leaves(text: str) -> None:
    # Why _leaf checks no text with lxml, only attributes: nothing it would refuse is left.
    _CHECK.text = remove_unsafe_chars(text)
    assert etree.tostring(_CHECK, encoding="unicode")
