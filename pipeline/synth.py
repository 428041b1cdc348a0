"""Synthetic source trees at any scale, for benchmarks and scale tests.

A tree has every real local government (copied from a source tree), about fifty programs of
ten ministries, twenty fiscal years and N awards with technologies and titles; the same seed
gives the same bytes. Every generated tree passes `mirai-lod validate`.
"""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from pipeline.codes import fiscal_year_label

LOCAL_GOVERNMENT_FILES = ("prefectures.yaml", "municipalities.yaml", "wards.yaml")
FIRST_YEAR = 2003
YEARS = 20

_MINISTRIES = (
    ("cao", "内閣府", "Cabinet Office"),
    ("soumu", "総務省", "Ministry of Internal Affairs and Communications"),
    ("mlit", "国土交通省", "Ministry of Land, Infrastructure, Transport and Tourism"),
    ("meti", "経済産業省", "Ministry of Economy, Trade and Industry"),
    ("maff", "農林水産省", "Ministry of Agriculture, Forestry and Fisheries"),
    ("mhlw", "厚生労働省", "Ministry of Health, Labour and Welfare"),
    ("mext", "文部科学省", "Ministry of Education, Culture, Sports, Science and Technology"),
    ("env", "環境省", "Ministry of the Environment"),
    ("digital", "デジタル庁", "Digital Agency"),
    ("cas", "内閣官房", "Cabinet Secretariat"),
)
_THEMES = (
    ("smart-city", "スマートシティ推進", "smart city promotion"),
    ("mobility", "地域交通高度化", "regional mobility"),
    ("agriculture", "スマート農業実装", "smart agriculture"),
    ("health", "遠隔医療推進", "telemedicine"),
    ("disaster", "防災DX", "disaster-prevention DX"),
)
_TYPES = (("a", "一般型", "general type"), ("b", "先導型", "leading type"),
          ("c", "広域連携型", "wide-area type"), ("d", "実証型", "demonstration type"))
_TECHNOLOGIES = (
    ("ai", "AI", "Artificial intelligence", None),
    ("iot", "IoT", "Internet of Things", None),
    ("drone", "ドローン", "Drones", None),
    ("transport", "交通", "Transport and mobility", None),
    ("autonomous-driving", "自動運転", "Autonomous driving", "transport"),
    ("maas", "MaaS", "Mobility as a Service (MaaS)", "transport"),
    ("robotics", "ロボット", "Robotics", None),
    ("smart-agriculture", "スマート農業", "Smart agriculture", None),
    ("telemedicine", "遠隔医療", "Telemedicine", None),
    ("data-platform", "データ連携基盤", "Data platform", None),
    ("5g", "5G", "5G", None),
    ("digital-currency", "地域通貨", "Local currency", None),
)
_TITLE_PARTS = (
    ("中山間地域", "市街地", "観光地", "離島", "ニュータウン", "商店街", "港湾地区", "学研都市"),
    ("における", "を舞台とした", "を核とした", "と連携した"),
    ("デジタル", "データ駆動型", "次世代型", "官民連携による", "住民参加型"),
    ("まちづくり", "移動サービス", "見守り", "農業", "物流", "防災", "観光", "医療"),
    ("推進事業", "実装事業", "モデル創出事業", "プロジェクト"),
)
# Half of at most 600,000 千円 stays within the 3億円 annual cap of every synthetic program.
_MAX_REQUESTED = 600_000


@dataclass(frozen=True)
class Synthesis:
    awards: int
    programs: int
    local_governments: int


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _read(path: Path) -> list[dict[str, object]]:
    records: list[dict[str, object]] = yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return records or []


def _recipients(base: Path) -> list[str]:
    codes: list[str] = []
    for name in ("prefectures.yaml", "municipalities.yaml"):
        codes.extend(str(record["code"]) for record in _read(base / name))
    return sorted(codes)


def _cited_sources(base: Path) -> str:
    """The source records the copied local-government files cite, reduced to what needs no
    other record (no publisher, no parent)."""
    cited = {str(r["source"]) for name in LOCAL_GOVERNMENT_FILES for r in _read(base / name)}
    lines = []
    for record in _read(base / "sources.yaml"):
        if record["id"] in cited:
            lines.append(f"- id: {record['id']}\n  title_ja: {_q(str(record['title_ja']))}\n")
            for key in ("url", "license"):
                if key in record:
                    lines.append(f"  {key}: {record[key]}\n")
    return "".join(lines)


def synthesize(out: Path, awards: int, seed: int, base: Path) -> Synthesis:
    """Write a source tree with `awards` awards into `out` (which must not exist)."""
    rng = random.Random(seed)
    out.mkdir(parents=True)
    for name in LOCAL_GOVERNMENT_FILES:
        shutil.copyfile(base / name, out / name)
    recipients = _recipients(base)

    (out / "sources.yaml").write_text(
        "# Synthetic data for benchmarks: realistic in shape, not in fact.\n"
        + _cited_sources(base)
        + f"- id: synth\n  title_ja: 合成データ (seed {seed})\n  title_en: Synthetic data\n",
        encoding="utf-8")

    lines = []
    for key, ja, en in _MINISTRIES:
        lines += [f"- id: {key}", f"  name_ja: {ja}", f"  name_en: {_q(en)}", "  source: synth"]
        lines += [f"- id: {key}-grants", f"  name_ja: {ja}交付金担当",
                  f"  name_en: {_q('Grants office, ' + en)}", f"  parent: {key}",
                  "  source: synth"]
    (out / "organizations.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    lines = []
    for key, ja, en, broader in _TECHNOLOGIES:
        lines += [f"- id: {key}", f"  name_ja: {ja}", f"  name_en: {_q(en)}"]
        if broader:
            lines.append(f"  broader: [{broader}]")
        lines.append("  source: synth")
    (out / "technologies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    programs: list[str] = []
    lines = []
    for ministry, (theme, theme_ja, theme_en) in zip(_MINISTRIES, _THEMES * 2, strict=True):
        parent = f"{ministry[0]}-{theme}"
        lines += [f"- id: {parent}", f"  name_ja: {ministry[1]}{theme_ja}交付金",
                  f"  name_en: {_q(ministry[2] + ' grant for ' + theme_en)}",
                  f"  administered_by: {ministry[0]}-grants", "  subsidy_rate: 1/2",
                  "  source: synth"]
        for suffix, type_ja, type_en in _TYPES:
            key = f"{parent}-{suffix}"
            programs.append(key)
            lines += [f"- id: {key}", f"  name_ja: {ministry[1]}{theme_ja}交付金（{type_ja}）",
                      f"  name_en: {_q(ministry[2] + ' grant for ' + theme_en + ', ' + type_en)}",
                      f"  administered_by: {ministry[0]}-grants", f"  part_of: {parent}",
                      "  max_years: 5", "  cap_prefecture_yen: 300000000",
                      "  cap_municipality_yen: 300000000", "  source: synth"]
    (out / "programs.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    technologies = [t[0] for t in _TECHNOLOGIES]
    sums: dict[tuple[str, int], int] = defaultdict(int)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    with (out / "awards.yaml").open("w", encoding="utf-8") as f:
        for i in range(awards):
            program = programs[rng.randrange(len(programs))]
            year = FIRST_YEAR + rng.randrange(YEARS)
            requested = rng.randrange(1_000, _MAX_REQUESTED + 1)
            awarded = requested // 2
            title = "".join(rng.choice(part) for part in _TITLE_PARTS)
            techs = sorted(rng.sample(technologies, rng.randint(1, 3)))
            sums[(program, year)] += awarded * 1000
            counts[(program, year)] += 1
            f.write(
                f"- id: synth-{i:07d}\n  program: {program}\n"
                f"  fiscal_year: {fiscal_year_label(year)}\n  round: 1\n"
                f"  status: {'new' if rng.random() < 0.3 else 'continuing'}\n"
                f'  recipient: "{recipients[rng.randrange(len(recipients))]}"\n'
                f"  title: {_q(title)}\n  requested_thousand_yen: {requested}\n"
                f"  awarded_thousand_yen: {awarded}\n"
                f"  technologies: [{', '.join(techs)}]\n  source: synth\n")

    with (out / "reported-totals.yaml").open("w", encoding="utf-8") as f:
        for (program, year), total in sorted(sums.items()):
            stated = Decimal(total) / 100_000_000  # exact: the unit becomes 1 yen
            f.write(
                f"- id: {program}-{year}-national-share\n"
                f"  name_ja: {program} {fiscal_year_label(year)} 国費合計\n"
                f"  name_en: {_q(f'National share of {program}, FY{year}')}\n"
                f"  program: {program}\n  fiscal_year: {year}\n  round: 1\n"
                f"  measure: national-share\n  stated_oku_yen: {stated:f}\n"
                f"  stated_count: {counts[(program, year)]}\n  source: synth\n")
    return Synthesis(awards=awards, programs=len(programs) + len(_MINISTRIES),
                     local_governments=len(recipients))
