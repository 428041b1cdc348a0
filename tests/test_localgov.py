"""Importing the localgovjp reference list into source YAML (pipeline.localgov)."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.codes import code_problem
from pipeline.localgov import (
    MUNICIPALITIES_FILE,
    PREFECTURES_FILE,
    REFERENCE_COMMIT,
    LocalGovReferenceError,
    Municipality,
    Prefecture,
    Reference,
    Ward,
    read_reference,
    render_yaml,
    romanise,
)

REFERENCE_DIR = Path(__file__).parents[2] / "shared" / "reference" / "localgovjp"


@pytest.fixture(scope="module")
def reference_dir() -> Path:
    if not (REFERENCE_DIR / MUNICIPALITIES_FILE).is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the localgovjp reference is missing from {REFERENCE_DIR}")
        pytest.skip(f"the localgovjp reference is not at {REFERENCE_DIR}")
    return REFERENCE_DIR


@pytest.fixture(scope="module")
def ref(reference_dir: Path) -> Reference:
    return read_reference(reference_dir)


Record = Prefecture | Municipality | Ward


def all_records(ref: Reference) -> tuple[Record, ...]:
    return (*ref.prefectures, *ref.municipalities, *ref.wards)


def by_code(ref: Reference, code: str) -> Record:
    return next(r for r in all_records(ref) if r.code == code)


# --- the real reference ---------------------------------------------------------------------


def test_counts(ref: Reference) -> None:
    assert (len(ref.prefectures), len(ref.municipalities), len(ref.wards)) == (47, 1741, 175)


def test_prefecture_codes_get_back_the_leading_zero_prefjp_lost(ref: Reference) -> None:
    assert by_code(ref, "010006").name_ja == "北海道"
    assert [p.code[:2] for p in ref.prefectures] == [f"{n:02d}" for n in range(1, 48)]


def test_every_code_is_six_digits_with_a_valid_check_digit(ref: Reference) -> None:
    codes = [r.code for r in all_records(ref)]
    assert len(set(codes)) == len(codes) == 47 + 1741 + 175
    assert [c for c in codes if code_problem(c)] == []


def test_references_point_at_records(ref: Reference) -> None:
    prefectures = {p.code for p in ref.prefectures}
    municipalities = {m.code: m for m in ref.municipalities}
    assert {m.prefecture for m in ref.municipalities} == prefectures
    assert {municipalities[w.city].kind for w in ref.wards} == {"designated-city"}


def test_kinds(ref: Reference) -> None:
    kinds = Counter(m.kind for m in ref.municipalities)
    assert kinds == {"designated-city": 20, "special-ward": 23, "city": 772, "town": 743,
                     "village": 183}
    wards_of_tokyo = {m.name_ja for m in ref.municipalities if m.kind == "special-ward"}
    assert {"千代田区", "世田谷区", "江戸川区"} <= wards_of_tokyo
    assert {m.prefecture for m in ref.municipalities if m.kind == "special-ward"} == {"130001"}


@pytest.mark.parametrize(
    ("code", "name_ja", "name_en", "name_latn"),
    [
        ("010006", "北海道", "Hokkaido", "Hokkaido"),
        ("130001", "東京都", "Tokyo Metropolis", "Tokyo-to"),
        ("270008", "大阪府", "Osaka Prefecture", "Osaka-fu"),
        ("260002", "京都府", "Kyoto Prefecture", "Kyoto-fu"),
        ("020001", "青森県", "Aomori Prefecture", "Aomori-ken"),
        ("172065", "加賀市", "Kaga City", "Kaga-shi"),
        ("402311", "那珂川市", "Nakagawa City", "Nakagawa-shi"),
        ("271004", "大阪市", "Osaka City", "Osaka-shi"),
        ("131016", "千代田区", "Chiyoda City", "Chiyoda-ku"),
        ("131024", "中央区", "Chuo City", "Chuo-ku"),
        ("011011", "札幌市中央区", "Chuo Ward, Sapporo", "Sapporo-shi Chuo-ku"),
        ("173614", "津幡町", "Tsubata Town", "Tsubata-machi"),
        ("014001", "倶知安町", "Kutchan Town", "Kutchan-cho"),  # small っ before ち
        ("285862", "新温泉町", "Shin'onsen Town", "Shin'onsen-cho"),  # ん before a vowel
        ("216046", "白川村", "Shirakawa Village", "Shirakawa-mura"),
        ("473243", "読谷村", "Yomitan Village", "Yomitan-son"),
        # A vowel that starts the next kanji's reading is not a long vowel: 勝・浦, 瀬・戸・内.
        ("122181", "勝浦市", "Katsuura City", "Katsuura-shi"),
        ("332127", "瀬戸内市", "Setouchi City", "Setouchi-shi"),
        ("016420", "広尾町", "Hiroo Town", "Hiroo-cho"),
    ],
)
def test_names_match_official_romanisation(
    ref: Reference, code: str, name_ja: str, name_en: str, name_latn: str
) -> None:
    record = by_code(ref, code)
    assert (record.name_ja, record.name_en, record.name_latn) == (name_ja, name_en, name_latn)


@pytest.mark.parametrize(
    ("kana", "kanji", "latn"),
    [
        ("とうきょう", None, "tokyo"),
        ("おおさか", None, "osaka"),
        ("きょうと", None, "kyoto"),
        ("ちゅうおう", None, "chuo"),
        ("ほっかいどう", None, "hokkaido"),
        ("しんおんせん", None, "shin'onsen"),
        ("なんよう", None, "nan'yo"),  # ん before y needs the apostrophe too
        ("かつうら", None, "katsura"),  # without the kanji, うら cannot be told apart
        ("かつうら", "勝浦", "katsuura"),
        ("おおい", "おおい", "oi"),  # a name written in kana is one word
        ("おうめ", "青梅", "ome"),  # a reading that spans two kanji
    ],
)
def test_romanise(kana: str, kanji: str | None, latn: str) -> None:
    assert romanise(kana, kanji) == latn


def test_csv_quirks_bom_and_embedded_quotes(ref: Reference) -> None:
    # The header begins with a BOM; the row of 庄原市 has a quoted field with "" inside.
    assert (REFERENCE_DIR / MUNICIPALITIES_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    first = ref.municipalities[0]
    assert (first.code, first.name_ja) == ("011002", "札幌市")
    shobara = by_code(ref, "342106")
    assert (shobara.name_ja, shobara.name_latn) == ("庄原市", "Shobara-shi")


def test_coordinates_and_homepage_are_the_text_of_the_reference(ref: Reference) -> None:
    ward = by_code(ref, "011011")
    assert (ward.lat, ward.long) == ("43.0553865", "141.3409671")
    assert ward.homepage == "https://www.city.sapporo.jp/chuo/"
    assert by_code(ref, "113018").lat == "36"  # 伊奈町: a whole number, kept as written


# --- YAML -------------------------------------------------------------------------------------


def scalar_texts(text: str) -> list[dict[str, tuple[str, str]]]:
    """Each record as key → (tag, scalar text), as the loader sees the YAML before typing it."""
    root = yaml.compose(text)
    assert isinstance(root, yaml.SequenceNode)
    return [{k.value: (v.tag, v.value) for k, v in item.value} for item in root.value]


def expected_records(ref: Reference, name: str) -> list[dict[str, str]]:
    records: dict[str, tuple[Record, ...]] = {
        "prefectures.yaml": ref.prefectures,
        "municipalities.yaml": ref.municipalities,
        "wards.yaml": ref.wards,
    }
    return [{k: v for k, v in {**asdict(r), "source": "localgovjp"}.items() if v is not None}
            for r in records[name]]


@pytest.mark.parametrize("name", ["prefectures.yaml", "municipalities.yaml", "wards.yaml"])
def test_render_yaml_reads_back_to_the_same_values(ref: Reference, name: str) -> None:
    text = render_yaml(ref)[name]
    loaded = yaml.safe_load(text)
    expected = expected_records(ref, name)
    # Strings come back as the same strings; lat/long as the exact text, typed as numbers.
    assert [{k: v for k, v in r.items() if k not in ("lat", "long")} for r in loaded] == [
        {k: v for k, v in r.items() if k not in ("lat", "long")} for r in expected]
    scalars = scalar_texts(text)
    assert [(r["lat"][1], r["long"][1]) for r in scalars] == [
        (r["lat"], r["long"]) for r in expected]
    assert {r["lat"][0] for r in scalars} <= {"tag:yaml.org,2002:float", "tag:yaml.org,2002:int"}
    assert [r["code"] for r in loaded] == sorted(r["code"] for r in loaded)


def test_render_yaml_layout(ref: Reference) -> None:
    files = render_yaml(ref)
    assert set(files) == {"prefectures.yaml", "municipalities.yaml", "wards.yaml"}
    for text in files.values():
        assert REFERENCE_COMMIT in text and "`mirai-lod import-localgov`" in text
        assert "CC0" in text and "by hand" in text
        assert "\t" not in text and not text.startswith("\ufeff") and text.endswith("\n")
    assert '- code: "010006"\n  name_ja: 北海道\n' in files["prefectures.yaml"]
    assert '- code: "172065"\n  prefecture: "170003"\n  kind: city\n' in files[
        "municipalities.yaml"]
    assert '  city: "011002"\n' in files["wards.yaml"]
    assert "  lat: 43.0553865\n  long: 141.3409671\n" in files["wards.yaml"]


def test_render_yaml_is_byte_identical_for_the_same_input(
    ref: Reference, reference_dir: Path
) -> None:
    first = render_yaml(ref)
    assert render_yaml(ref) == first
    assert render_yaml(read_reference(reference_dir)) == first


def a_prefecture(name: str) -> Reference:
    return Reference(
        (Prefecture("010006", name, name, name, name, name, "43.1", "141.3"),), (), ())


@pytest.mark.parametrize(
    "name",
    ["yes", "No", "on", "null", "~", "", " lead", "trail ", "1.5", "07", "0x1F", "1_000",
     "2022-07-12", "12:30", "- x", "? x", "a: b", "a #b", "#x", "x:", "'q", '"q', "@x", "%x",
     "!x", "&x", "*x", "|x", ">x", "<<", "=", "[x]", "{x}", "a\\b", "x\ty", "x\ny", "\x85",
     "\u2028", "\ufeff", "\x00", "札幌: 中央", "https://example.jp/#top"],
)
def test_strings_yaml_would_misread_are_quoted(name: str) -> None:
    text = render_yaml(a_prefecture(name))["prefectures.yaml"]
    assert yaml.safe_load(text)[0]["name_ja"] == name


@given(st.text())
def test_any_string_reads_back_unchanged(name: str) -> None:
    text = render_yaml(a_prefecture(name))["prefectures.yaml"]
    assert yaml.safe_load(text)[0]["name_en"] == name


# --- errors point at the file and line ------------------------------------------------------

PREFJP_HEADER = ("pid,pref,prefkana,prefshort,prefshortkana,pref_en,pref3code,url,lgcode,"
                 "ISO3166-2,capital,lat,lng\n")
ISHIKAWA = ("17,石川県,いしかわけん,石川,いしかわ,Ishikawa,ISK,https://www.pref.ishikawa.lg.jp/,"
            "170003,JP-17,金沢市,36.594682,136.625573\n")
TOKYO = ("13,東京都,とうきょうと,東京,とうきょう,Tokyo,TKY,https://www.metro.tokyo.lg.jp/,"
         "130001,JP-13,新宿区,35.689521,139.691704\n")
LOCALGOV_HEADER = "pid,pref,cid,city,citykana,lat,lng,url,phrase,lgcode\n"
KAGA = ('17,石川県,17206,加賀市,かがし,36.30,136.31,https://www.city.kaga.ishikawa.jp/,'
        '"a ""b""",172065\n')


def write_reference(directory: Path, prefectures: str, localgov: str) -> Path:
    (directory / PREFECTURES_FILE).write_text(PREFJP_HEADER + prefectures, encoding="utf-8")
    (directory / MUNICIPALITIES_FILE).write_text(
        "\ufeff" + LOCALGOV_HEADER + localgov, encoding="utf-8")
    return directory


def test_a_small_reference_reads(tmp_path: Path) -> None:
    ref = read_reference(write_reference(tmp_path, ISHIKAWA, KAGA))
    assert [(m.code, m.prefecture, m.kind, m.name_en) for m in ref.municipalities] == [
        ("172065", "170003", "city", "Kaga City")]


def test_bad_check_digit_in_the_real_file_names_file_and_line(
    reference_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(reference_dir / PREFECTURES_FILE, tmp_path)
    lines = (reference_dir / MUNICIPALITIES_FILE).read_text(encoding="utf-8").splitlines(True)
    number = next(i for i, line in enumerate(lines, 1) if ",加賀市," in line)
    lines[number - 1] = lines[number - 1].replace(",172065", ",172066")
    (tmp_path / MUNICIPALITIES_FILE).write_text("".join(lines), encoding="utf-8")

    with pytest.raises(LocalGovReferenceError) as raised:
        read_reference(tmp_path)
    assert (raised.value.path, raised.value.line) == (tmp_path / MUNICIPALITIES_FILE, number)
    assert str(raised.value) == (f"{tmp_path / MUNICIPALITIES_FILE}:{number}: error: "
                                 "code 172066 has check digit 6, expected 5")


@pytest.mark.parametrize(
    ("prefectures", "localgov", "file", "line", "message"),
    [
        (ISHIKAWA.replace("170003", "170004"), KAGA, PREFECTURES_FILE, 2, "check digit 4"),
        (ISHIKAWA.replace("170003", "1700"), KAGA, PREFECTURES_FILE, 2, "not 6 digits"),
        (ISHIKAWA, KAGA.replace("かがし", "かが"), MUNICIPALITIES_FILE, 2, "does not end in し"),
        (ISHIKAWA, KAGA.replace(",172065", ""), MUNICIPALITIES_FILE, 2, "expected 10 fields"),
        (ISHIKAWA, KAGA.replace("36.30", "36,3"), MUNICIPALITIES_FILE, 2, "expected 10 fields"),
        (ISHIKAWA, KAGA.replace("36.30", "N36.3"), MUNICIPALITIES_FILE, 2, "not a plain decimal"),
        (ISHIKAWA, KAGA + KAGA, MUNICIPALITIES_FILE, 3, "appears twice"),
        (ISHIKAWA, KAGA.replace("17206,", "17207,"), MUNICIPALITIES_FILE, 2, "does not match cid"),
        (TOKYO, KAGA, MUNICIPALITIES_FILE, 2, "not in a known prefecture"),
        # A quoted field may span lines; the error still names the line the row starts on.
        (ISHIKAWA, KAGA.replace('"a ""b"""', '"a\nb"') + KAGA.replace("172065", "172064"),
         MUNICIPALITIES_FILE, 4, "check digit 4"),
        # Only Tokyo has special wards; elsewhere a ward is written "市 区".
        (ISHIKAWA, KAGA.replace("加賀市,かがし", "加賀区,かがく"), MUNICIPALITIES_FILE, 2,
         "neither in Tokyo"),
        (ISHIKAWA, KAGA.replace("加賀市,かがし", "金沢市 中央区,かなざわし ちゅうおうく"),
         MUNICIPALITIES_FILE, 2, "not a ward of a city listed"),
    ],
)
def test_bad_rows_name_file_and_line(
    tmp_path: Path, prefectures: str, localgov: str, file: str, line: int, message: str
) -> None:
    with pytest.raises(LocalGovReferenceError) as raised:
        read_reference(write_reference(tmp_path, prefectures, localgov))
    assert (raised.value.path, raised.value.line) == (tmp_path / file, line)
    assert message in raised.value.message
    assert str(raised.value).startswith(f"{tmp_path / file}:{line}: error: ")


def test_missing_file_and_missing_column(tmp_path: Path) -> None:
    with pytest.raises(LocalGovReferenceError, match="file not found") as raised:
        read_reference(tmp_path)
    assert raised.value.line is None
    (tmp_path / PREFECTURES_FILE).write_text("pid,pref\n", encoding="utf-8")
    with pytest.raises(LocalGovReferenceError, match=re.escape("missing column(s) prefkana")):
        read_reference(tmp_path)
