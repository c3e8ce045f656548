"""The WXR's items are serialised by hand (targets/wxr._serialise): the bytes must be the
ones lxml's incremental writer makes for the same node, for any text XML can hold."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from belong_scraper.targets.wxr import _CData, _node, _Writer

# What _node lets through: XML 1.0 characters (it refuses the rest), any markup in them.
XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
        lambda c: c in "\t\n\r" or ord(c) >= 0x20
    ),
    max_size=12,
) | st.sampled_from(["a & b", "<p>x</p>", "]]", "x]", '"q"', "tab\there", "cr\rlf\n", ""])


def reference(node, depth: int, xf, stream) -> None:
    """The writer as it was: one lxml element context per node."""
    xf.write("\n" + "  " * depth)
    with xf.element(node.name, node.attrib):
        for child in node.children:
            reference(child, depth + 1, xf, stream)
        if node.children:
            xf.write("\n" + "  " * depth)
        elif isinstance(node.text, _CData):
            if "]" not in node.text:
                xf.write(etree.CDATA(node.text))
            else:
                xf.flush()
                stream.write(b"<![CDATA[" + node.text.encode("utf-8") + b"]]>")
        elif node.text is not None:
            xf.write(node.text)


def written(node, write) -> bytes:
    stream = io.BytesIO()
    with etree.xmlfile(stream, encoding="UTF-8") as xf, xf.element("channel"):
        write(node, xf, stream)
    return stream.getvalue()


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(XML_TEXT, min_size=1, max_size=4), attribute=XML_TEXT,
       cdata=st.booleans())  # fmt: skip
def test_hand_serialised_items_are_lxmls_bytes(texts: list[str], attribute: str, cdata: bool):
    children = [_node("title", texts[0], cdata=cdata), _node("wp:post_id", "7")]
    children += [_node("category", t, cdata=True, domain="post_tag", nicename=attribute)
                 for t in texts[1:]]  # fmt: skip
    children.append(_node("wp:postmeta", children=[_node("wp:meta_key", "k", cdata=True)]))
    item = _node("item", children=children)

    def by_hand(node, xf, stream) -> None:
        _Writer(xf, stream).write(node, 2)

    def by_lxml(node, xf, stream) -> None:
        reference(node, 2, xf, stream)

    assert written(item, by_hand) == written(item, by_lxml)
