"""Helpers of the SEO and feed tests: the page head as the shell printed
it (html.parser), JSON-LD read with a real JSON-LD processor (pyld,
Debian python3-pyld) against the schema.org vocabulary, <h1> counting,
and a store's own stack with a small sitemap part size."""
import json
from html.parser import HTMLParser

from pyld import jsonld

SCHEMA = "https://schema.org/"
# The processor reads "@context": "https://schema.org" offline: schema.org's
# context maps its terms into this vocabulary (@vocab), with @id for the
# URL-valued properties the store prints.
SCHEMA_CONTEXT = {"@context": {"@vocab": SCHEMA, "url": {"@id": SCHEMA + "url", "@type": "@id"},
                               "item": {"@id": SCHEMA + "item", "@type": "@id"},
                               "availability": {"@id": SCHEMA + "availability", "@type": "@id"}}}


def _loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise AssertionError("JSON-LD asked for a remote document: " + url)


jsonld.set_document_loader(_loader)


class Head(HTMLParser):
    """meta (name/property -> [content]), links (rel -> [href]), title,
    ld+json script texts, and the number of <h1> elements."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.ld, self.h1 = {}, {}, [], 0
        self.title = ""
        self._in = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            k = a.get("name") or a.get("property")
            if k:
                self.meta.setdefault(k, []).append(a.get("content"))
        elif tag == "link":
            self.links.setdefault(a.get("rel"), []).append(a.get("href"))
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "ld"
            self.ld.append("")
        elif tag == "title":
            self._in = "title"
        elif tag == "h1":
            self.h1 += 1

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "ld":
            self.ld[-1] += data
        elif self._in == "title":
            self.title += data

    def one(self, key):
        v = self.meta.get(key) or []
        assert len(v) == 1, (key, v)
        return v[0]


def nodes(page_text):
    """The page's JSON-LD, expanded and flattened by pyld: {@id or
    index: node}; types and property names are full schema.org IRIs."""
    h = Head(page_text)
    assert len(h.ld) == 1, h.ld
    doc = json.loads(h.ld[0])
    flat = jsonld.flatten(doc)
    return flat


def of_type(flat, t):
    return [n for n in flat if SCHEMA + t in n.get("@type", [])]


def val(node, prop):
    """The first value of a schema.org property (@value or @id)."""
    v = node.get(SCHEMA + prop)
    assert v, (prop, node)
    x = v[0]
    return x.get("@value", x.get("@id"))


def by_id(flat, i):
    return next(n for n in flat if n.get("@id") == i)


def h1_count(page_text):
    return Head(page_text).h1
