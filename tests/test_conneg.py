"""The Accept header parser and the choice of representation (pipeline.conneg)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import conneg
from pipeline.conneg import MediaRange, choose, parse_accept, quality
from tests.negotiation import CASES


def ext(header: str | None) -> str | None:
    chosen = choose(header)
    return None if chosen is None else chosen.extension


@pytest.mark.parametrize(("header", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_choice(header: str | None, expected: str | None) -> None:
    assert ext(header) == expected


def test_parse_keeps_order_q_and_lowercases() -> None:
    assert parse_accept('Text/Turtle;q=0.5, application/*;charset="a,b";Q=0.25, */*') == (
        MediaRange("text", "turtle", 500),
        MediaRange("application", "*", 250),
        MediaRange("*", "*", 1000),
    )


@pytest.mark.parametrize(("q", "value"), [("1", 1000), ("1.000", 1000), ("0", 0), ("0.", 0),
                                          ("0.5", 500), ("0.05", 50), ("0.123", 123)])
def test_q_values(q: str, value: int) -> None:
    assert parse_accept(f"text/html;q={q}") == (MediaRange("text", "html", value),)


@pytest.mark.parametrize("element", ["text/html;q=1.5", "text/html;q=0.1234", "text/html;q=-1",
                                     "text/html;q=abc", "text/html;q=", "text/html;q", "text",
                                     "*/html", "text/html/x", "te xt/html", "text/html;=1"])
def test_malformed_elements_are_ignored(element: str) -> None:
    assert parse_accept(f"{element}, text/turtle;q=0.5") == (
        MediaRange("text", "turtle", 500),)


@pytest.mark.parametrize("header", [None, "", "  ", ",", "garbage", "text/html;q=x", "ä/ö"])
def test_nothing_parsable_accepts_anything(header: str | None) -> None:
    assert parse_accept(header) is None
    assert ext(header) == "html"


def test_most_specific_range_wins_even_when_lower() -> None:
    ranges = parse_accept("text/*;q=0.9, text/turtle;q=0.2, */*;q=0.5")
    assert quality(ranges, "text/turtle") == 200
    assert quality(ranges, "text/html") == 900
    assert quality(ranges, "application/rdf+xml") == 500


def test_first_of_equally_specific_ranges_counts() -> None:
    assert quality(parse_accept("text/turtle;q=0.3, text/turtle;q=0.9"), "text/turtle") == 300


def test_wildcards_weigh_little_unless_some_q_is_below_1() -> None:
    assert quality(parse_accept("text/turtle, */*"), "text/html") == 10
    assert quality(parse_accept("text/turtle, text/*"), "text/html") == 20
    assert quality(parse_accept("text/turtle;q=1, */*;q=1.0"), "text/html") == 10
    assert quality(parse_accept("text/turtle;q=0.9, */*"), "text/html") == 1000


def test_parameters_other_than_q_do_not_change_matching() -> None:
    assert ext('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"') == \
        "jsonld"
    assert ext("text/turtle;charset=utf-8;q=0.5, text/html;level=1;q=0.4") == "ttl"


def test_only_available_representations_are_chosen() -> None:
    html, ttl = conneg.REPRESENTATIONS[:2]
    assert choose("application/rdf+xml, text/turtle;q=0.1", [html, ttl]) == ttl
    assert choose("application/rdf+xml", [html, ttl]) is None


def test_content_types_say_charset_for_text() -> None:
    assert {r.extension: r.content_type for r in conneg.REPRESENTATIONS} == {
        "html": "text/html; charset=utf-8",
        "ttl": "text/turtle; charset=utf-8",
        "jsonld": "application/ld+json",
        "nt": "application/n-triples",
        "rdf": "application/rdf+xml",
    }


def test_link_header() -> None:
    assert conneg.link_header("172065", conneg.REPRESENTATIONS[:2]) == (
        '<172065.html>; rel="alternate"; type="text/html", '
        '<172065.ttl>; rel="alternate"; type="text/turtle"')


# --- properties --------------------------------------------------------------------------------

MEDIA = st.sampled_from(["text/html", "text/turtle", "application/ld+json", "application/json",
                         "application/n-triples", "application/rdf+xml", "text/plain",
                         "image/png", "text/*", "application/*", "*/*"])
QS = st.sampled_from(["", ";q=0", ";q=1", ";q=0.5", ";q=0.001", ";q=0.999", ";q=0.25"])
WELL_FORMED = st.lists(st.tuples(MEDIA, QS), max_size=8).map(
    lambda items: ", ".join(m + q for m, q in items))


@given(st.one_of(st.none(), st.text(max_size=200),
                 st.text(alphabet=",;=/*.\"\\ qtextml01+", max_size=80), WELL_FORMED))
def test_any_header_gets_an_answer(header: str | None) -> None:
    chosen = choose(header)
    assert chosen is None or chosen in conneg.REPRESENTATIONS
    if chosen is None:
        # 406 only when the header really names something and refuses all five.
        ranges = parse_accept(header)
        assert ranges is not None
        assert all(quality(ranges, m) == 0 for r in conneg.REPRESENTATIONS
                   for m in r.media_types)


@given(WELL_FORMED)
def test_choice_has_the_highest_q(header: str) -> None:
    chosen = choose(header)
    ranges = parse_accept(header)
    qs = {r.extension: max(quality(ranges, m) for m in r.media_types)
          for r in conneg.REPRESENTATIONS}
    if chosen is not None:
        assert qs[chosen.extension] == max(qs.values()) > 0
        # Ties go to the server's order.
        first = next(r for r in conneg.REPRESENTATIONS if qs[r.extension] == max(qs.values()))
        assert chosen == first


def test_an_unterminated_quote_swallows_the_rest() -> None:
    assert parse_accept('text/turtle, text/html;a="x, image/png') == (
        MediaRange("text", "turtle", 1000),)
