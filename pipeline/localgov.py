"""Import the localgovjp reference list of Japanese local governments into source YAML.

`read_reference` turns the two CSV files of code4fukui/localgovjp (CC0) into prefectures,
municipalities and the wards of designated cities, with codes checked and names romanised;
`render_yaml` writes them as source/prefectures.yaml, municipalities.yaml and wards.yaml.
Romanisation needs pykakasi, which only this importer uses: the names are romanised once and
then kept in source/, so it is imported when a name is first romanised, not with the module.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from pipeline.codes import check_digit
from pipeline.errors import MiraiError

if TYPE_CHECKING:
    import pykakasi

MUNICIPALITIES_FILE = "localgovjp-utf8.csv"
PREFECTURES_FILE = "prefjp-utf8.csv"
REFERENCE_COMMIT = "232edc3ae7b6e58d7cc931df6ee09dc7ce2c2257"
SOURCE_ID = "localgovjp"

MunicipalityKind = Literal["city", "designated-city", "town", "village", "special-ward"]


class LocalGovReferenceError(MiraiError):
    """A row of the reference files that cannot be imported; `line` is None for a whole file."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: error: {self.message}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class _LocalRecord:
    """What the reference gives for every prefecture, municipality and ward."""

    code: str
    name_ja: str
    name_kana: str
    name_en: str
    name_latn: str
    homepage: str | None
    lat: str | None  # decimal text exactly as in the reference
    long: str | None


@dataclass(frozen=True)
class Prefecture(_LocalRecord):
    iso3166_2: str | None = None  # ISO 3166-2 subdivision code, JP-01 … JP-47


@dataclass(frozen=True)
class Municipality(_LocalRecord):
    prefecture: str
    kind: MunicipalityKind


@dataclass(frozen=True)
class Ward(_LocalRecord):
    city: str


@dataclass(frozen=True)
class Reference:
    prefectures: tuple[Prefecture, ...]
    municipalities: tuple[Municipality, ...]
    wards: tuple[Ward, ...]


_PREFECTURE_COLUMNS = ("pid", "pref", "prefkana", "pref_en", "url", "lgcode", "ISO3166-2",
                       "lat", "lng")
_MUNICIPALITY_COLUMNS = ("pid", "pref", "cid", "city", "citykana", "lat", "lng", "url", "lgcode")

# Written unquoted in the YAML, so it must stay a plain number (伊奈町 has lat 36, no decimals).
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

# Prefecture suffix → (English pattern, romanised suffix).
_PREFECTURE_SUFFIXES = {
    "都": ("{} Metropolis", "-to"),
    "道": ("{}", ""),
    "府": ("{} Prefecture", "-fu"),
    "県": ("{} Prefecture", "-ken"),
}

# Municipality suffix → readings it may have, each with its romanised suffix, and English word.
_MUNICIPALITY_SUFFIXES: dict[str, tuple[dict[str, str], str]] = {
    "市": ({"し": "-shi"}, "City"),
    "町": ({"まち": "-machi", "ちょう": "-cho"}, "Town"),
    "村": ({"むら": "-mura", "そん": "-son"}, "Village"),
    # Tokyo's special wards call themselves "City" in English (Chiyoda City).
    "区": ({"く": "-ku"}, "City"),
}


def read_reference(reference_dir: Path) -> Reference:
    """Read localgovjp-utf8.csv and prefjp-utf8.csv from `reference_dir`."""
    prefectures = _read_prefectures(reference_dir / PREFECTURES_FILE)
    municipalities, wards = _read_municipalities(reference_dir / MUNICIPALITIES_FILE,
                                                 {p.code[:2]: p for p in prefectures})
    return Reference(prefectures, municipalities, wards)


def romanise(kana: str, kanji: str | None = None) -> str:
    """Hepburn romanisation of a hiragana reading as official names write it, in lower case.

    Long vowels are not doubled (とうきょう → tokyo, ちゅうおう → chuo); ん before a vowel or y
    takes an apostrophe (しんおんせん → shin'onsen, さんよう → san'yo). Given the name in
    `kanji`, vowels are merged only within the reading of one kanji (or one run of kana), so
    that 勝浦 かつ・うら stays katsuura and 広尾 ひろ・お stays hiroo while 大野 おお・の is ono.
    """
    pieces = _reading_pieces(kanji, kana) if kanji else None
    merged = "".join(_merge_long_vowels(p) for p in (pieces or [kana]))
    # pykakasi marks ん before a vowel but not before y, so split there and join with "'".
    parts = re.split(r"(?<=ん)(?=[あいうえおやゆよ])", merged)
    latn = "'".join("".join(t["hepburn"] for t in _kakasi().convert(p)) for p in parts)
    if not re.fullmatch(r"[a-z']+", latn):
        raise ValueError(f"reading {kana!r} does not romanise to plain letters: {latn!r}")
    return latn


# Kana whose vowel is o or u: a following う (ou, uu) or お (oo) only lengthens them.
_O_KANA = frozenset("おこごそぞとどのほぼぽもよろをょぉ")
_U_KANA = frozenset("うくぐすずつづぬふぶぷむゆるゅぅ")


def _merge_long_vowels(kana: str) -> str:
    kept = [c for i, c in enumerate(kana)
            if not (i and ((c == "う" and kana[i - 1] in _O_KANA | _U_KANA)
                           or (c == "お" and kana[i - 1] in _O_KANA)))]
    return "".join(kept)


# A kanji's reading may start voiced (rendaku: 島 しま → じま) or end in っ (八 はち → はっ).
_VOICED = dict(zip("かきくけこさしすせそたちつてとはひふへほ",
                   "がぎぐげござじずぜぞだぢづでどばびぶべぼ", strict=True))
_VOICED_ALSO = {"ち": "じ", "つ": "ず"}
_HALF_VOICED = dict(zip("はひふへほ", "ぱぴぷぺぽ", strict=True))


def _reading_variants(reading: str) -> set[str]:
    first, rest = reading[0], reading[1:]
    out = {reading} | {table[first] + rest for table in (_VOICED, _VOICED_ALSO, _HALF_VOICED)
                       if first in table}
    return out | {v[:-1] + "っ" for v in out if len(v) > 1 and v[-1] in "つちくき"}


def _reading_pieces(kanji: str, kana: str) -> list[str] | None:
    """Split `kana` into the readings of the kanji of `kanji` (kana in it read as written).

    Uses pykakasi's dictionary of readings, preferring one kanji at a time over the
    multi-kanji words (青梅 おうめ) needed when a reading spans kanji. None when no split
    fits the reading, and vowels are then merged across the whole name.
    """
    kanwa, itaiji = _kanji_dictionaries()
    name = re.sub(r"(.)々", r"\1\1", itaiji.convert(kanji))

    def options(i: int) -> Iterator[tuple[int, str, int, bool]]:
        """(characters of `name` used, reading, cost, read as written) for name[i:]."""
        c = name[i]
        if c in "ヶケヵ":  # 袖ケ浦 そでがうら, 七ヶ宿 しちかしゅく
            yield from ((1, r, 0, False) for r in "かがけこ")
        elif "ぁ" <= c <= "ゖ":
            yield 1, c, 0, True
        elif "ァ" <= c <= "ヴ":  # 南アルプス
            yield 1, chr(ord(c) - 0x60), 0, True
        else:
            for word, readings in (kanwa.load(c) or {}).items():
                if name.startswith(word, i):
                    for reading, condition in readings:
                        if condition is None:  # the others need okurigana
                            for v in sorted(_reading_variants(reading)):
                                yield len(word), v, int(len(word) > 1), False

    @functools.cache
    def best(i: int, j: int) -> tuple[int, tuple[tuple[str, bool], ...]] | None:
        if i == len(name):
            return (0, ()) if j == len(kana) else None
        found = []
        for used, reading, cost, as_written in options(i):
            if kana.startswith(reading, j):
                rest = best(i + used, j + len(reading))
                if rest is not None:
                    found.append((cost + rest[0], ((reading, as_written), *rest[1])))
        return min(found) if found else None

    split = best(0, 0)
    if split is None:
        return None
    # A run of kana in the name is one word: おおい町 is oi, not ooi.
    pieces: list[str] = []
    previous_as_written = False
    for reading, as_written in split[1]:
        if as_written and previous_as_written:
            pieces[-1] += reading
        else:
            pieces.append(reading)
        previous_as_written = as_written
    return pieces


@functools.cache
def _kakasi() -> pykakasi.Kakasi:
    import pykakasi  # only the importer needs it; see the module docstring

    return pykakasi.Kakasi()  # type: ignore[no-untyped-call]


@functools.cache
def _kanji_dictionaries() -> tuple[Any, Any]:
    # pykakasi's own readings dictionary; not part of its documented interface.
    from pykakasi.kanji import Itaiji, Kanwa

    return Kanwa(), Itaiji()  # type: ignore[no-untyped-call]


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with the line each starts on (utf-8-sig: localgovjp has a BOM)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise LocalGovReferenceError(path, 1, f"missing column(s) {', '.join(missing)}")
            line = reader.line_num + 1
            for row in reader:
                if None in row or None in row.values():
                    raise LocalGovReferenceError(
                        path, line, f"expected {len(reader.fieldnames or ())} fields")
                yield line, row
                line = reader.line_num + 1
    except FileNotFoundError:
        raise LocalGovReferenceError(path, None, "file not found") from None
    except UnicodeDecodeError as e:
        raise LocalGovReferenceError(path, None, f"not UTF-8 ({e.reason})") from None


def _code(path: Path, line: int, text: str) -> str:
    # prefjp-utf8.csv stores codes as numbers, so 010006 (北海道) became 10006.
    if re.fullmatch(r"[0-9]{5}", text):
        text = "0" + text
    if not re.fullmatch(r"[0-9]{6}", text):
        raise LocalGovReferenceError(path, line, f"code {text!r} is not 6 digits")
    expected = check_digit(text[:5])
    if int(text[5]) != expected:
        raise LocalGovReferenceError(
            path, line, f"code {text} has check digit {text[5]}, expected {expected}")
    return text


def _decimal(path: Path, line: int, name: str, text: str) -> str | None:
    if not text:
        return None
    if not _DECIMAL.fullmatch(text):
        raise LocalGovReferenceError(path, line, f"{name} {text!r} is not a plain decimal")
    return text


def _required(path: Path, line: int, row: dict[str, str], column: str) -> str:
    if not row[column]:
        raise LocalGovReferenceError(path, line, f"{column} is empty")
    return row[column]


def _read_prefectures(path: Path) -> tuple[Prefecture, ...]:
    prefectures: dict[str, Prefecture] = {}
    for line, row in _rows(path, _PREFECTURE_COLUMNS):
        code = _code(path, line, row["lgcode"])
        if code in prefectures:
            raise LocalGovReferenceError(path, line, f"code {code} appears twice")
        if code[2:5] != "000" or code[:2] != row["pid"].zfill(2):
            raise LocalGovReferenceError(
                path, line, f"code {code} is not the code of prefecture number {row['pid']}")
        name_ja = _required(path, line, row, "pref")
        name_en_base = _required(path, line, row, "pref_en")
        if name_ja[-1:] not in _PREFECTURE_SUFFIXES:
            raise LocalGovReferenceError(path, line, f"{name_ja} does not end in 都, 道, 府 or 県")
        english, latn_suffix = _PREFECTURE_SUFFIXES[name_ja[-1]]
        iso = _required(path, line, row, "ISO3166-2")
        # ISO 3166-2:JP numbers the prefectures as their codes do; a mismatch is a shifted row.
        if iso != f"JP-{code[:2]}":
            raise LocalGovReferenceError(
                path, line, f"ISO 3166-2 code {iso} does not match code {code} (JP-{code[:2]})")
        prefectures[code] = Prefecture(
            code=code,
            name_ja=name_ja,
            name_kana=_required(path, line, row, "prefkana"),
            name_en=english.format(name_en_base),
            name_latn=name_en_base + latn_suffix,
            homepage=row["url"] or None,
            lat=_decimal(path, line, "lat", row["lat"]),
            long=_decimal(path, line, "lng", row["lng"]),
            iso3166_2=iso,
        )
    return tuple(sorted(prefectures.values(), key=lambda p: p.code))


@dataclass(frozen=True)
class _Row:
    """A row of localgovjp-utf8.csv, checked, before its kind is known."""

    line: int
    code: str
    prefecture: str
    name_ja: str
    name_kana: str
    homepage: str | None
    lat: str | None
    long: str | None


def _read_municipalities(
    path: Path, prefectures: dict[str, Prefecture]
) -> tuple[tuple[Municipality, ...], tuple[Ward, ...]]:
    local_govs: list[_Row] = []
    ward_rows: list[_Row] = []
    seen: set[str] = set()
    for line, row in _rows(path, _MUNICIPALITY_COLUMNS):
        code = _code(path, line, row["lgcode"])
        if code in seen:
            raise LocalGovReferenceError(path, line, f"code {code} appears twice")
        seen.add(code)
        if code[:5] != row["cid"].zfill(5):
            raise LocalGovReferenceError(path, line, f"code {code} does not match cid {row['cid']}")
        prefecture = prefectures.get(code[:2])
        if prefecture is None or prefecture.name_ja != row["pref"]:
            raise LocalGovReferenceError(
                path, line, f"code {code} is not in a known prefecture ({row['pref']})")
        checked = _Row(line, code, prefecture.code, _required(path, line, row, "city"),
                       _required(path, line, row, "citykana"), row["url"] or None,
                       _decimal(path, line, "lat", row["lat"]),
                       _decimal(path, line, "lng", row["lng"]))
        # Wards of designated cities are written "札幌市 中央区", a space after the city.
        (ward_rows if " " in checked.name_ja else local_govs).append(checked)

    # A ward names its city by the city's name within the same prefecture.
    by_name = {(r.prefecture, r.name_ja): r for r in local_govs}
    wards = [_ward(path, r, by_name) for r in ward_rows]
    designated = {w.city for w in wards}
    municipalities = [_municipality(path, r, r.code in designated) for r in local_govs]
    return (tuple(sorted(municipalities, key=lambda m: m.code)),
            tuple(sorted(wards, key=lambda w: w.code)))


def _split_suffix(path: Path, r: _Row, name_ja: str, kana: str) -> tuple[str, str, str]:
    """Stem reading, romanised suffix and English word, from the kanji suffix and its reading."""
    suffix = name_ja[-1:]
    if suffix not in _MUNICIPALITY_SUFFIXES:
        raise LocalGovReferenceError(path, r.line, f"{name_ja} does not end in 市, 区, 町 or 村")
    readings, english = _MUNICIPALITY_SUFFIXES[suffix]
    for reading, latn_suffix in readings.items():
        if kana.endswith(reading) and len(kana) > len(reading):
            return kana[: -len(reading)], latn_suffix, english
    raise LocalGovReferenceError(
        path, r.line,
        f"reading {kana} of {name_ja} does not end in {' or '.join(readings)}")


def _latn_stem(path: Path, r: _Row, kanji_stem: str, kana_stem: str) -> str:
    try:
        return romanise(kana_stem, kanji_stem).capitalize()
    except ValueError as e:
        raise LocalGovReferenceError(path, r.line, str(e)) from None


def _municipality(path: Path, r: _Row, has_wards: bool) -> Municipality:
    kana_stem, latn_suffix, english = _split_suffix(path, r, r.name_ja, r.name_kana)
    kind: MunicipalityKind
    if r.name_ja.endswith("市"):
        kind = "designated-city" if has_wards else "city"
    elif r.name_ja.endswith("町"):
        kind = "town"
    elif r.name_ja.endswith("村"):
        kind = "village"
    elif r.prefecture == "130001":
        kind = "special-ward"
    else:
        raise LocalGovReferenceError(
            path, r.line, f"{r.name_ja} ends in 区 but is neither in Tokyo nor a ward of a city")
    stem = _latn_stem(path, r, r.name_ja[:-1], kana_stem)
    return Municipality(
        code=r.code,
        prefecture=r.prefecture,
        kind=kind,
        name_ja=r.name_ja,
        name_kana=r.name_kana,
        name_en=f"{stem} {english}",
        name_latn=stem + latn_suffix,
        homepage=r.homepage,
        lat=r.lat,
        long=r.long,
    )


def _ward(path: Path, r: _Row, cities: dict[tuple[str, str], _Row]) -> Ward:
    city_ja, _, ward_ja = r.name_ja.partition(" ")
    city_kana, space, ward_kana = r.name_kana.partition(" ")
    city = cities.get((r.prefecture, city_ja))
    if not space or city is None or not city_ja.endswith("市") or not ward_ja.endswith("区"):
        raise LocalGovReferenceError(
            path, r.line, f"{r.name_ja!r} is not a ward of a city listed in this file")
    if city.name_kana != city_kana:
        raise LocalGovReferenceError(
            path, r.line, f"reading {city_kana} of {city_ja} differs from its own row's "
            f"{city.name_kana} (line {city.line})")
    city_stem_kana, _, _ = _split_suffix(path, r, city_ja, city_kana)
    ward_stem_kana, _, _ = _split_suffix(path, r, ward_ja, ward_kana)
    city_stem = _latn_stem(path, r, city_ja[:-1], city_stem_kana)
    ward_stem = _latn_stem(path, r, ward_ja[:-1], ward_stem_kana)
    return Ward(
        code=r.code,
        city=city.code,
        name_ja=city_ja + ward_ja,
        name_kana=r.name_kana,
        name_en=f"{ward_stem} Ward, {city_stem}",
        name_latn=f"{city_stem}-shi {ward_stem}-ku",
        homepage=r.homepage,
        lat=r.lat,
        long=r.long,
    )


# --- YAML ---------------------------------------------------------------------------------

_HEADER = """\
# {title}
# Generated by `mirai-lod import-localgov` from localgovjp (code4fukui/localgovjp, CC0 1.0),
# commit {commit}.
# Do not edit by hand: change the reference and run `mirai-lod import-localgov` again.
"""

# Characters YAML cannot hold unescaped inside a double-quoted scalar.
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# A plain scalar is written only when it cannot be misread: no indicator first, no ": " or
# " #", no spaces at the ends, and YAML 1.1 resolves it to a string (not a number, bool, null).
_INDICATOR_FIRST = "-?:,[]{}#&*!|>'\"%@`"
_YAML_11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _quoted(value: str) -> str:
    def escape(m: re.Match[str]) -> str:
        c = m[0]
        if c in _ESCAPES:
            return _ESCAPES[c]
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"

    # NEL and the Unicode line and paragraph separators would be read as line breaks.
    specials = '[\\\\"\n\t\r\x85\u2028\u2029]|'
    return '"' + re.sub(specials + _UNPRINTABLE.pattern, escape, value) + '"'


@functools.cache
def _resolver() -> yaml.resolver.Resolver:
    return yaml.resolver.Resolver()  # the implicit types yaml.safe_load recognises


def _is_plain_safe(value: str) -> bool:
    return (
        value != ""
        and value == value.strip()
        and value[0] not in _INDICATOR_FIRST
        and not value.endswith(":")
        and ": " not in value
        and " #" not in value
        and not re.search(r"[\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]", value)
        and not _UNPRINTABLE.search(value)
        and value.lower() not in _YAML_11_WORDS
        and _resolver().resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        == yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
    )


def _scalar(value: str) -> str:
    return value if _is_plain_safe(value) else _quoted(value)


def _record(fields: list[tuple[str, str | None, str]]) -> str:
    """One sequence item; each field is (key, value, style) with style code, text or decimal."""
    lines: list[str] = []
    for key, value, style in fields:
        if value is None:
            continue
        if style == "code":
            text = _quoted(value)
        elif style == "decimal":
            if not _DECIMAL.fullmatch(value):
                raise ValueError(f"{key} {value!r} is not a plain decimal")
            text = value
        else:
            text = _scalar(value)
        lines.append(f"{'- ' if not lines else '  '}{key}: {text}\n")
    return "".join(lines)


def _common(r: _LocalRecord) -> list[tuple[str, str | None, str]]:
    return [
        ("name_ja", r.name_ja, "text"),
        ("name_kana", r.name_kana, "text"),
        ("name_en", r.name_en, "text"),
        ("name_latn", r.name_latn, "text"),
        ("homepage", r.homepage, "text"),
        ("lat", r.lat, "decimal"),
        ("long", r.long, "decimal"),
        ("source", SOURCE_ID, "text"),
    ]


def render_yaml(ref: Reference) -> dict[str, str]:
    """File name → text of prefectures.yaml, municipalities.yaml and wards.yaml, by code."""
    files = {
        "prefectures.yaml": (
            "Prefectures (都道府県) of Japan",
            [[("code", p.code, "code"), *_common(p), ("iso3166_2", p.iso3166_2, "text")]
             for p in sorted(ref.prefectures, key=lambda p: p.code)],
        ),
        "municipalities.yaml": (
            "Municipalities (市区町村) of Japan, including Tokyo's 23 special wards",
            [[("code", m.code, "code"), ("prefecture", m.prefecture, "code"),
              ("kind", m.kind, "text"), *_common(m)]
             for m in sorted(ref.municipalities, key=lambda m: m.code)],
        ),
        "wards.yaml": (
            "Wards (行政区) of designated cities; not local governments themselves",
            [[("code", w.code, "code"), ("city", w.city, "code"), *_common(w)]
             for w in sorted(ref.wards, key=lambda w: w.code)],
        ),
    }
    return {
        name: _HEADER.format(title=title, commit=REFERENCE_COMMIT)
        + "".join(_record(fields) for fields in records)
        for name, (title, records) in files.items()
    }
