"""Checks of the accessible markup every page must keep, read from the HTML a view sends:
one h1, the landmarks, tables with a caption and scoped headers, labelled controls."""

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs) in document order
        self.labels_for = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])


def accessibility_problems(html: str) -> list[str]:
    parser = _Collector()
    parser.feed(html)
    names = [tag for tag, _ in parser.tags]
    problems = []
    if names.count("h1") != 1:
        problems.append(f"expected one h1, found {names.count('h1')}")
    for landmark in ("header", "nav", "main", "footer"):
        if landmark not in names:
            problems.append(f"no <{landmark}>")
    if names.count("table") != names.count("caption"):
        problems.append("a table has no caption")
    for tag, attrs in parser.tags:
        if tag == "th" and attrs.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
            problems.append(f"<th> without scope: {attrs}")
        if tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                continue
            if not (attrs.get("id") in parser.labels_for or attrs.get("aria-label")):
                problems.append(f"unlabelled <{tag}> {attrs.get('name')!r}")
    return problems
