"""Every example query (queries/*.rq) runs against the built store and gives the figures of the
source document (内閣府地方創生推進事務局「未来技術社会実装事業について」, 2022-07-12). A query
without an expectation here fails the suite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import examples
from tests.built import ROOT, select

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
Rows = list[dict[str, object]]

# 令和4年度第1回 地方創生推進交付金Society5.0タイプ採択事業: (新規/継続, 地方公共団体名,
# 交付対象事業名, R4申請事業費 千円, 採択額 千円), as the document's two tables print them.
AWARDS = [
    ('新規', '山形県鶴岡市', '市民とともに、産官学が協働して地域課題解決するデジタル田園都市基盤の整備', 104930, 52465),  # noqa: E501 (the document's text)
    ('新規', '山形県酒田市', '酒田版デジタル変革推進事業', 153561, 76780),
    ('新規', '茨城県つくば市', '移動の自由と安心安全で自立した生活を支えるSociety 5.0推進事業', 61940, 30970),  # noqa: E501 (the document's text)
    ('新規', '千葉県千葉市', '幕張新都心を中心とした先端技術実装による都市型未来都市の実現', 73300, 36650),  # noqa: E501 (the document's text)
    ('新規', '石川県加賀市', 'マイナンバーを軸とした加賀市版電子自治体推進事業', 37000, 18500),
    ('新規', '滋賀県', 'デジタルプラットフォームを活用した関係人口拡大事業[かかわりファクトリー滋賀]', 50214, 25107),  # noqa: E501 (the document's text)
    ('新規', '佐賀県嬉野市', '「I ♥ URESHINO」新たな交流拠点の誕生を契機に取り組む未来技術を活かした観光まちづくり事業', 86000, 43000),  # noqa: E501 (the document's text)
    ('継続', '岩手県', 'ドローンによる活力ある中山間地域まちづくり事業（岩手県）', 7228, 3614),
    ('継続', '岩手県八幡平市', '遠隔診療・見守りDX基盤の構築による持続可能な地域づくり事業', 35480, 17740),  # noqa: E501 (the document's text)
    ('継続', '秋田県', '秋田版スマート農業モデル創出事業', 530363, 265181),
    ('継続', '山形県長井市', 'いつまでも便利に安心して暮らせる「スマートシティ長井」実現事業', 199055, 99527),  # noqa: E501 (the document's text)
    ('継続', '福島県会津若松市', '新モビリティサービス推進事業', 5000, 2500),
    ('継続', '栃木県', 'A I いちご生産イノベーションモデル創出事業', 75500, 37750),
    ('継続', '栃木県', 'スマート林業推進事業', 46434, 23217),
    ('継続', '埼玉県秩父市', '山間地域におけるスマートモビリティによる生活交通・物流融合事業', 68450, 34225),  # noqa: E501 (the document's text)
    ('継続', '富山県富山市', '富山市スマートシティ推進事業', 95095, 47547),
    ('継続', '石川県加賀市', '多居住拠点による新たな地方創生事業', 197696, 98848),
    ('継続', '長野県伊那市', '「INAスーパーエコポリス構築プロジェクト」', 183000, 91500),
    ('継続', '静岡県', 'しずおか Show CASE プロジェクト (EV・自動運転化・Maasサービスへの展開) 推進事業', 142050, 71025),  # noqa: E501 (the document's text)
    ('継続', '愛知県春日井市', '高蔵寺ニューモビリティタウン構想事業', 22000, 11000),
    ('継続', '愛知県豊川市', '東三河ドローン・リバー構想推進プロジェクト', 19700, 9850),
    ('継続', '大阪府河内長野市', '「丘の生活拠点」(南花台) まちづくりモデル事業', 81896, 40948),
    ('継続', '兵庫県神戸市', 'Be Smart KOBE 「Human×Smart」な都市づくり', 101000, 50500),
    ('継続', '岡山県真庭市', '次世代型中山間地域創造プロジェクト', 85540, 42770),
    ('継続', '山口県宇部市', 'レジリエントで持続可能な社会を創る「スマートシティ宇部プロジェクト」', 40461, 20230),  # noqa: E501 (the document's text)
    ('継続', '大分県', '遠隔操作ロボット「アバター」の社会実装・産業創出プロジェクト', 70136, 35068),  # noqa: E501 (the document's text)
]

# (参考) 令和3年度のスマートシティ関連事業の選定結果:
# (項番, プロジェクト実施地域, 選定事業, 過年度選定).
REGIONS = [
    (1, '北海道札幌市', '■', '□●'),
    (2, '北海道旭川市', '☆', ''),
    (3, '北海道室蘭市', '○', ''),
    (4, '北海道帯広市', '○', '●'),
    (5, '北海道芽室町', '●', ''),
    (6, '北海道更別村', '□■', '☆'),
    (7, '岩手県陸前高田市', '☆', ''),
    (8, '宮城県仙台市', '□■', '■'),
    (9, '仙台市泉区南光台・八乙女地区', '○', ''),
    (10, '秋田県仙北市', '■', '☆■'),
    (11, '福島県会津若松市', '○■', '□○●'),
    (12, '福島県南相馬市', '■', '■'),
    (13, '茨城県つくば市', '■', '●■'),
    (14, '茨城県守谷市', '■', '■'),
    (15, '栃木県佐野市', '□', ''),
    (16, '群馬県前橋市', '☆●■', '○●■'),
    (17, '群馬県嬬恋村', '□', '□'),
    (18, '埼玉県さいたま市', '☆□■', '□■'),
    (19, '埼玉県熊谷市', '■', '■'),
    (20, '埼玉県入間市 宮寺・二本木、東金子、金子、藤沢第一・第二エリア', '○', ''),
    (21, '埼玉県毛呂山町', '■', '■'),
    (22, '千葉県柏市', '□■', '■'),
    (23, '東京都千代田区(大手町・丸の内・有楽町地区)', '●■', '■'),
    (24, '東京都港区(竹芝地区)', '■', ''),
    (25, '東京都大田区(羽田空港跡地第1ゾーン)', '■', '□■'),
    (26, '山手線周辺/横須賀市', '●', '●'),
    (27, '川崎市、箱根町', '●', '○●'),
    (28, '神奈川県横須賀市、三浦市', '●', '●'),
    (29, '新潟県新潟市', '■', '○■'),
    (30, '富山県朝日町', '●', '●'),
    (31, '石川県加賀市', '■', '□●■'),
    (32, '石川県中能登町', '☆', ''),
    (33, '福井県永平寺町', '○', '○■'),
    (34, '岐阜県中津川市', '☆', ''),
    (35, '静岡県静岡市', '●', '○●'),
    (36, '愛知県岡崎市', '■', '■'),
    (37, '愛知県春日井市', '○', '☆○●■'),
    (38, '三重県多気町・明和町・大台町・度会町・大紀町・紀北町', '○■', ''),
    (39, '京都府精華町、木津川市(けいはんな学研都市(精華地区・西木津地区))', '■', '□■'),
    (40, '京都府与謝野町', '●', '●'),
    (41, '大阪府大阪市', '○', ''),
    (42, '大阪府河内長野市', '■', '☆'),
    (43, '大阪府豊能町', '□■', ''),
    (44, '兵庫県加古川市', '■', '□■'),
    (45, '兵庫県播磨科学公園都市', '○', ''),
    (46, '和歌山県太地町', '☆', ''),
    (47, '和歌山県すさみ町', '■', ''),
    (48, '島根県美郷町', '○', '●'),
    (49, '広島県三次市', '■', '■'),
    (50, '香川県三豊市', '○', '○'),
    (51, '愛媛県松山市', '■', '■'),
    (52, '愛媛県新居浜市', '■', '□■'),
    (53, '佐賀県嬉野市', '☆', ''),
    (54, '佐賀県基山町', '○', ''),
    (55, '長崎県', '□', ''),
    (56, '熊本県人吉市', '□', ''),
    (57, '熊本県荒尾市', '■', '■'),
    (58, '宮崎県', '●', '●'),
    (59, '宮崎県延岡市', '☆■', ''),
    (60, '沖縄県', '●', ''),
    (61, '沖縄県宮古島市', '●', '●'),
    (62, '沖縄県北谷町', '○', ''),
]


def awards(rows: Rows) -> None:
    assert len(rows) == 26
    got = [(r["status"], r["title"], r["requested_thousand_yen"], r["awarded_thousand_yen"])
           for r in rows]
    # The document's order within 新規 and 継続 is by recipient; titles identify the awards.
    assert sorted(got) == sorted((s, t, req, aw) for s, _, t, req, aw in AWARDS)
    assert [r["status"] for r in rows] == ["新規"] * 7 + ["継続"] * 19
    for r in rows:
        assert r["requested_yen"] == int(str(r["requested_thousand_yen"])) * 1000
        assert r["awarded_yen"] == int(str(r["awarded_thousand_yen"])) * 1000
        # 地方公共団体名 in the document is 都道府県 + 市区町村; the data names the municipality.
        assert any(name.endswith(str(r["recipient"])) and r["title"] == title
                   for _, name, title, _, _ in AWARDS)


def totals(rows: Rows) -> None:
    got = [(r["status"], r["awards"], r["requested_thousand_yen"], r["awarded_thousand_yen"],
            r["requested_yen"], r["awarded_yen"], r["stated_project_cost"],
            r["stated_national_share"]) for r in rows]
    assert got == [
        # 「事業費総額は新規5.7億円(国費2.8億円)、継続20.1億円(国費10.0億円)であり、
        # 計25.8億円(国費12.8億円)」
        ("新規", 7, 566945, 283472, 566945000, 283472000, "5.7億円", "2.8億円"),
        ("継続", 19, 2006084, 1003040, 2006084000, 1003040000, "20.1億円", "10.0億円"),
        ("計", 26, 2573029, 1286512, 2573029000, 1286512000, "25.8億円", "12.8億円"),
    ]
    # The sums of each table agree with the stated figures within their rounding (0.05億円).
    for (_, _, _, _, req, aw, cost, share) in got[:2]:
        assert abs(int(str(req)) - float(str(cost)[:-2]) * 1e8) <= 5e6
        assert abs(int(str(aw)) - float(str(share)[:-2]) * 1e8) <= 5e6


def by_recipient(rows: Rows) -> None:
    # 採択事業26件, 24 local governments: 栃木県 and 加賀市 have two each.
    assert len(rows) == 24
    assert sum(int(str(r["awards"])) for r in rows) == 26
    assert sum(int(str(r["awarded_thousand_yen"])) for r in rows) == 1286512
    found = {r["recipient"]: (r["awards"], set(str(r["technologies"]).split("、")))
             for r in rows}
    # The map 「地方創生推進交付金Society5.0タイプ採択事業一覧（令和4年度）」.
    assert found["加賀市"] == (2, {"まちづくり", "スマートシティ"})
    assert found["栃木県"] == (2, {"スマート農業", "スマート林業"})
    assert found["伊那市"] == (1, {"ロボット", "ドローン", "MaaS"})
    assert found["宇部市"] == (1, {"IoT", "AI", "スマート防災"})
    assert found["嬉野市"] == (1, {"バーチャル観光", "パーソナルモビリティ"})
    assert found["豊川市"] == (1, {"ドローン"})
    assert found["静岡県"] == (1, {"自動運転"})


def by_prefecture(rows: Rows) -> None:
    counts = {r["prefecture"]: (r["awards"], r["to_prefecture"], r["to_municipalities"])
              for r in rows}
    expected: dict[str, list[int]] = {}
    for _, name, _, _, _ in AWARDS:
        prefecture = name[:name.index("県") + 1] if "県" in name else name[:3]
        entry = expected.setdefault(prefecture, [0, 0, 0])
        entry[0] += 1
        entry[1 if name == prefecture else 2] += 1
    assert counts == {k: tuple(v) for k, v in expected.items()}
    assert len(rows) == 20
    assert [r["code"] for r in rows] == sorted(str(r["code"]) for r in rows)


def regions(rows: Rows) -> None:
    # 「62地域の事業を選定」
    assert [(r["number"], r["region"], r["selected"], r["earlier"]) for r in rows] == REGIONS


def budgets(rows: Rows) -> None:
    got = {(r["program"], r["fiscal_year"]): (r["stated"], r["amount_yen"], r["kind"])
           for r in rows}
    assert len(got) == 7
    # 「政府のスマートシティ関連事業例（令和4年度予算）」 and the grant's 1,000億円の内数.
    future = got[("未来技術社会実装事業", "2022")]
    assert str(future[0]).startswith("0.8億円の内数") and future[1:] == (80_000_000, "内数")
    assert got[("地域課題解決のためのスマートシティ推進事業", "2022")] == (
        "4.6億円", 460_000_000, "記載額")
    assert got[("スマートシティ実装化支援事業（スマートシティモデルプロジェクト）", "2022")] == (
        "2.65億円", 265_000_000, "記載額")
    assert got[("地域新MaaS創出推進事業", "2022")] == ("数億円程度", None, "概算")
    assert got[("日本版MaaS推進・支援事業", "2022")] == ("0.73億円", 73_000_000, "記載額")
    assert got[("日本版MaaS推進・支援事業", "2021")][1:] == (28_500_000_000, "内数")
    assert got[("地方創生推進交付金", "2022")] == ("1,000億円の内数", 100_000_000_000, "内数")


def future_tech(rows: Rows) -> None:
    # 「過去の選定数 H30:14事業、R1:8事業 R2:12事業 R3:9事業」; still supported: the
    # R4.4.1時点 list.
    assert [(r["fiscal_year"], r["nendo"], r["selected"], r["still_supported"])
            for r in rows] == [("2018", "平成30年度", 14, 9), ("2019", "令和元年度", 8, 5),
                               ("2020", "令和2年度", 12, 12), ("2021", "令和3年度", 9, 9)]
    # 「現在35事業に対して支援を実施中」
    assert sum(int(str(r["still_supported"])) for r in rows) == 35


EXPECTED: dict[str, Callable[[Rows], None]] = {
    "society5-2022-awards": awards,
    "society5-2022-totals": totals,
    "society5-2022-by-recipient": by_recipient,
    "society5-2022-by-prefecture": by_prefecture,
    "smart-city-2021-regions": regions,
    "program-budgets": budgets,
    "future-tech-selections": future_tech,
}


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_query_gives_the_documents_figures(path: Path) -> None:
    assert path.stem in EXPECTED, f"{path.name} has no expected result in tests/test_queries.py"
    EXPECTED[path.stem](select(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_query_says_what_it_answers_in_ja_and_en(path: Path) -> None:
    example = examples.parse(path.stem, path.read_text(encoding="utf-8"))
    assert example.title_ja and example.title_en
    assert any("\u3040" <= c <= "\u9fff" for c in example.title_ja)


def test_a_query_without_an_expectation_fails(tmp_path: Path) -> None:
    assert "unchecked" not in EXPECTED
    with pytest.raises(AssertionError, match="no expected result"):
        test_query_gives_the_documents_figures(tmp_path / "unchecked.rq")
