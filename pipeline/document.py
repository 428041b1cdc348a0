"""The rest of the source document as RDF: what it says of programs beyond their caps, the
selections per fiscal year, the regions of the FY2021 joint smart-city selection, budgets as
stated, initiatives, their points, targets and statistics, fiscal years and provenance.

Every stage reads records whose `source` is a list of sections (a fact can sit in two tables).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from rdflib import RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from pipeline.codes import fiscal_year_label
from pipeline.load import Record, Source
from pipeline.rdf import OKU, SCHEMA, Emitter, en_literal, gyear, int_literal, ja_literal, xsd_date
from pipeline.vocab import MIRAI

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
_QUALIFIER = {
    "stated": MIRAI.StatedFigure,
    "share-of": MIRAI.ShareOfFigure,
    "approximate": MIRAI.ApproximateFigure,
}
# The kinds of point (points.yaml), published as a small SKOS concept scheme.
POINT_KINDS: dict[str, tuple[str, str]] = {
    "purpose": ("目的", "Purpose"),
    "basic-idea": ("基本的な考え方", "Basic idea"),
    "requirement": ("事業要件", "Requirement"),
    "application-limit": ("申請上限件数", "Application limit"),
    "role": ("役割", "Role"),
    "service": ("会員サポート", "Member service"),
    "member-type": ("会員の種類", "Kind of member"),
    "social-issue": ("解決すべき地方の社会課題", "Regional social issue"),
    "policy-area": ("取組方針", "Policy area"),
    "pillar": ("柱", "Pillar"),
    "measure": ("施策", "Measure"),
    "regional-vision": ("地域ビジョン", "Regional vision"),
    "next-step": ("今後の進め方", "Next step"),
    "note": ("注記", "Note"),
}
# The earliest and latest years the FiscalYear resources may be minted for: the loader's range.
_EARLIEST, _LATEST = 1947, 2100


def fiscal_year(e: Emitter, year: int) -> URIRef:
    return e.iris.of(f"fiscal-year/{year}")


def _year(e: Emitter, s: URIRef, r: Record, field_name: str, p: URIRef = MIRAI.inFiscalYear,
          literal: bool = True) -> None:
    """The fiscal year as a resource and, for the classes that have it, as an xsd:gYear."""
    if field_name not in r.values:
        return
    year: int = r[field_name]
    e.add(s, p, fiscal_year(e, year), r, field_name)
    if literal:
        e.add(s, MIRAI.fiscalYear, gyear(year), r, field_name)


def _notes(e: Emitter, s: URIRef, r: Record) -> None:
    for name, lang in (("note_ja", "ja"), ("note_en", "en")):
        if name in r.values:
            e.add(s, RDFS.comment, Literal(r[name], lang=lang), r, name)


def _amount(stated: Decimal) -> tuple[int, int]:
    """Yen of a figure in 億円 and the unit it is rounded to (its last written digit)."""
    exponent = stated.as_tuple().exponent
    assert isinstance(exponent, int)
    return int(stated * OKU), int(OKU * Decimal(10) ** exponent)


def program_details(e: Emitter, source: Source) -> None:
    for r in source.of("program"):
        s = e.iris.program(r.key)
        e.optional(s, MIRAI.coAdministeredBy, r, "co_administered_by", e.iris.organization)
        _year(e, s, r, "first_fiscal_year", MIRAI.firstFiscalYear, literal=False)
        for name, p in (("description_ja", DCTERMS.description),
                        ("support_summary_ja", MIRAI.supportSummary),
                        ("support_target_ja", MIRAI.supportTarget)):
            if name in r.values:
                e.add(s, p, ja_literal(r[name]), r, name)
        e.optional(s, MIRAI.legendSymbol, r, "legend_mark", Literal)
        e.each(s, DCTERMS.source, r, "listed_in", e.iris.source)
        if "contact_email" in r.values:
            contact = e.iris.of(f"program/{r.key}/contact")
            e.subject(contact, r)
            e.add(s, SCHEMA.contactPoint, contact, r, "contact_email")
            e.add(contact, RDF.type, SCHEMA.ContactPoint)
            name = r.get("contact_name_ja", r["name_ja"])
            e.add(contact, RDFS.label, ja_literal(f"{r['name_ja']} 問合せ先（{name}）"), r,
                  "contact_name_ja")
            e.add(contact, RDFS.label, en_literal(f"Contact: {r['name_en']}"), r, "name_en")
            # Escaped, so a malformed address fails the shape's pattern instead of the IRI.
            address = quote(r["contact_email"], safe="@._+-")
            e.add(contact, VCARD.hasEmail, URIRef(f"mailto:{address}"), r, "contact_email")


def award_details(e: Emitter, source: Source) -> None:
    for r in source.of("award"):
        s = e.iris.award(r.key)
        e.add(s, MIRAI.inFiscalYear, fiscal_year(e, r["fiscal_year"]), r, "fiscal_year")
        _year(e, s, r, "first_fiscal_year", MIRAI.firstFiscalYear, literal=False)
        e.optional(s, MIRAI.mapText, r, "map_text", ja_literal)


def program_names(e: Emitter, source: Source) -> None:
    for r in source.of("program-name"):
        s = e.begin(e.iris.of(f"program-name/{r.key}"), r, MIRAI.ProgramName)
        e.names(s, r)
        e.add(e.iris.program(r["program"]), MIRAI.otherName, s, r, "program")
        e.add(e.iris.program(r["program"]), SKOS.altLabel, ja_literal(r["name_ja"]), r, "name_ja")
        _year(e, s, r, "from", MIRAI.fromFiscalYear, literal=False)
        _year(e, s, r, "until", MIRAI.untilFiscalYear, literal=False)
        e.source_links(s, r)


def _program_name(source: Source, key: str, lang: str) -> str:
    program = source.find("program", key)
    assert program is not None  # references are checked on load
    name: str = program[f"name_{lang}"]
    return name


def selections(e: Emitter, source: Source) -> None:
    for r in source.of("selection"):
        s = e.begin(e.iris.of(f"selection/{r.key}"), r, MIRAI.Selection)
        ja, en = _program_name(source, r["program"], "ja"), _program_name(source, r["program"],
                                                                            "en")
        if "fiscal_year" in r.values:
            year = r["fiscal_year"]
            label = f"{ja} {fiscal_year_label(year)}の選定"
            e.add(s, RDFS.label, ja_literal(label), r, "fiscal_year")
            e.add(s, RDFS.label, en_literal(f"{en}: selection of FY{year}"), r, "fiscal_year")
        else:
            years = sorted(p["fiscal_year"] for p in _dated_parts(source, r))
            span_ja = (f" {fiscal_year_label(years[0])}から{fiscal_year_label(years[-1])}まで"
                       if years else "")
            span_en = f" of FY{years[0]} to FY{years[-1]}" if years else ""
            e.add(s, RDFS.label, ja_literal(f"{ja}{span_ja}の選定"), r, "parts")
            e.add(s, RDFS.label, en_literal(f"{en}: selections{span_en}"), r, "parts")
        e.add(s, MIRAI.program, e.iris.program(r["program"]), r, "program")
        _year(e, s, r, "fiscal_year")
        e.add(s, MIRAI.statedCount, int_literal(r["count"]), r, "count")
        e.optional(s, MIRAI.stillSupportedCount, r, "still_supported", int_literal)
        e.optional(s, MIRAI.endedCount, r, "ended", int_literal)
        e.optional(s, MIRAI.asOf, r, "as_of", xsd_date)
        for part in r.get("parts", ()):
            e.add(s, DCTERMS.hasPart, e.iris.of(f"selection/{part}"), r, "parts")
        _notes(e, s, r)
        e.source_links(s, r)


def _dated_parts(source: Source, r: Record) -> list[Record]:
    parts = [source.find("selection", key) for key in r.get("parts", ())]
    return [p for p in parts if p is not None and "fiscal_year" in p.values]


def joint_selections(e: Emitter, source: Source) -> None:
    for r in source.of("joint-selection"):
        s = e.begin(e.iris.of(f"selection/{r.key}"), r, MIRAI.JointSelection)
        e.names(s, r)
        _year(e, s, r, "fiscal_year")
        for key in r["selections"]:
            e.add(s, MIRAI.includesSelection, e.iris.of(f"selection/{key}"), r, "selections")
        e.add(s, MIRAI.statedCount, int_literal(r["region_count"]), r, "region_count")
        e.optional(s, MIRAI.cooperatingCount, r, "cooperating_count", int_literal)
        e.source_links(s, r)


def regions(e: Emitter, source: Source) -> None:
    for r in source.of("region"):
        s = e.begin(e.iris.of(f"region/{r.key}"), r, MIRAI.Region)
        e.names(s, r)
        e.add(s, SCHEMA.position, int_literal(r["number"]), r, "number")
        e.add(s, MIRAI.jointSelection, e.iris.of(f"selection/{r['joint_selection']}"), r,
              "joint_selection")
        e.each(s, MIRAI.localGovernment, r, "local_governments", e.iris.local_government)
        e.each(s, MIRAI.ward, r, "wards", e.iris.ward)
        e.optional(s, MIRAI.districtName, r, "district_ja", ja_literal)
        for key in r["selected_in"]:
            e.add(s, MIRAI.selectedIn, e.iris.of(f"selection/{key}"), r, "selected_in")
        e.each(s, MIRAI.previouslySelectedBy, r, "earlier", e.iris.program)
        _notes(e, s, r)
        e.source_links(s, r)


def budgets(e: Emitter, source: Source) -> None:
    for r in source.of("budget"):
        s = e.begin(e.iris.of(f"budget/{r.key}"), r, MIRAI.Budget)
        ja, en = _program_name(source, r["program"], "ja"), _program_name(source, r["program"],
                                                                            "en")
        year = r["fiscal_year"]
        supplementary = r.get("account") == "supplementary"
        kind_ja, kind_en = ("補正予算", "supplementary budget") if supplementary else (
            "予算", "budget")
        label = f"{ja} {fiscal_year_label(year)}{kind_ja}"
        e.add(s, RDFS.label, ja_literal(label), r, "fiscal_year")
        e.add(s, RDFS.label, en_literal(f"{en}: FY{year} {kind_en}"), r, "fiscal_year")
        e.add(e.iris.program(r["program"]), MIRAI.budget, s, r, "program")
        e.add(s, MIRAI.program, e.iris.program(r["program"]), r, "program")
        _year(e, s, r, "fiscal_year")
        e.add(s, MIRAI.supplementaryBudget, Literal(supplementary), r, "account")
        e.add(s, MIRAI.statedText, ja_literal(r["stated_text"]), r, "stated_text")
        e.add(s, MIRAI.amountQualifier, _QUALIFIER[r["qualifier"]], r, "qualifier")
        if "oku_yen" in r.values:
            yen, unit = _amount(Decimal(r["oku_yen"]))
            e.add(s, MIRAI.statedAmount, int_literal(yen), r, "oku_yen")
            e.add(s, MIRAI.roundingUnit, int_literal(unit), r, "oku_yen")
        _notes(e, s, r)
        e.source_links(s, r)


def initiatives(e: Emitter, source: Source) -> None:
    for r in source.of("initiative"):
        s = e.begin(e.iris.of(f"initiative/{r.key}"), r, MIRAI.Initiative)
        e.names(s, r)
        e.optional(s, DCTERMS.description, r, "description_ja", ja_literal)
        e.optional(s, MIRAI.program, r, "program", e.iris.program)
        e.each(s, SCHEMA.founder, r, "founders", e.iris.organization)
        if "founded" in r.values:
            e.add(s, SCHEMA.foundingDate, Literal(r["founded"], datatype=XSD.gYearMonth), r,
                  "founded")
        e.optional(s, MIRAI.memberCount, r, "member_count", int_literal)
        e.optional(s, MIRAI.asOf, r, "members_as_of", xsd_date)
        e.optional(s, FOAF.homepage, r, "homepage", URIRef)
        e.source_links(s, r)


def points(e: Emitter, source: Source) -> None:
    records = source.of("point")
    if not records:
        return
    scheme = e.iris.of("point-kind")
    e.add(scheme, RDF.type, SKOS.ConceptScheme)
    for label in (ja_literal("記載事項の種類"), en_literal("Kinds of points")):
        e.add(scheme, RDFS.label, label)
        e.add(scheme, SKOS.prefLabel, label)
    for kind in sorted({r["kind"] for r in records}):
        concept = e.iris.of(f"point-kind/{kind}")
        ja, en = POINT_KINDS[kind]
        e.add(concept, RDF.type, SKOS.Concept)
        for label in (ja_literal(ja), en_literal(en)):
            e.add(concept, RDFS.label, label)
            e.add(concept, SKOS.prefLabel, label)
        e.add(concept, SKOS.inScheme, scheme)
        e.add(concept, SKOS.topConceptOf, scheme)
        e.add(scheme, SKOS.hasTopConcept, concept)
    for r in records:
        s = e.begin(e.iris.of(f"point/{r.key}"), r, MIRAI.Point)
        e.add(s, RDFS.label, ja_literal(r["text_ja"]), r, "text_ja")
        e.add(s, RDFS.label, en_literal(r["text_en"]), r, "text_en")
        e.add(s, MIRAI.pointKind, e.iris.of(f"point-kind/{r['kind']}"), r, "kind")
        e.add(s, SCHEMA.position, int_literal(r["order"]), r, "order")
        e.optional(s, MIRAI.pointOf, r, "program", e.iris.program)
        if "initiative" in r.values:
            e.add(s, MIRAI.pointOf, e.iris.of(f"initiative/{r['initiative']}"), r,
                  "initiative")
        if "parent" in r.values:
            e.add(s, MIRAI.pointOf, e.iris.of(f"point/{r['parent']}"), r, "parent")
        e.source_links(s, r)


def targets(e: Emitter, source: Source) -> None:
    for r in source.of("target"):
        s = e.begin(e.iris.of(f"target/{r.key}"), r, MIRAI.Target)
        e.add(s, RDFS.label, ja_literal(r["text_ja"]), r, "text_ja")
        e.add(s, RDFS.label, en_literal(r["text_en"]), r, "text_en")
        e.add(s, DCTERMS.isPartOf, e.iris.of(f"initiative/{r['initiative']}"), r, "initiative")
        if "point" in r.values:
            e.add(s, MIRAI.concerns, e.iris.of(f"point/{r['point']}"), r, "point")
        if "value" in r.values:
            # 「2万人以上」 is a minimum, not the figure to reach exactly.
            p = SCHEMA.minValue if r.get("comparison") == "at-least" else SCHEMA.value
            e.add(s, p, Literal(r["value"], datatype=XSD.decimal), r, "value")
        e.optional(s, SCHEMA.unitText, r, "unit_ja", ja_literal)
        _year(e, s, r, "by_end_of", MIRAI.byEndOfFiscalYear, literal=False)
        _year(e, s, r, "in_fiscal_year", literal=False)
        e.source_links(s, r)


def statistics(e: Emitter, source: Source) -> None:
    for r in source.of("statistic"):
        s = e.begin(e.iris.of(f"statistic/{r.key}"), r, MIRAI.Statistic)
        e.add(s, RDFS.label, ja_literal(f"{r['name_ja']}（{r['year']}年）"), r, "name_ja")
        e.add(s, RDFS.label, en_literal(f"{r['name_en']} ({r['year']})"), r, "name_en")
        e.add(s, MIRAI.concerns, e.iris.of(f"point/{r['point']}"), r, "point")
        e.add(s, SCHEMA.value, Literal(r["value"], datatype=XSD.decimal), r, "value")
        e.optional(s, SCHEMA.unitText, r, "unit_ja", ja_literal)
        e.add(s, MIRAI.referenceYear, gyear(r["year"]), r, "year")
        e.add(s, MIRAI.statedText, ja_literal(r["stated_text"]), r, "stated_text")
        e.source_links(s, r)


def provenance(e: Emitter, source: Source) -> None:
    """Each source document is attributed to its publisher (PROV); the dataset's derivation from
    the documents is stated in the catalog (pipeline/catalog.py)."""
    for r in source.of("source"):
        if "part_of" not in r.values and "publisher" in r.values:
            e.add(e.iris.source(r.key), PROV.wasAttributedTo,
                  e.iris.organization(r["publisher"]), r, "publisher")


def fiscal_years(e: Emitter, source: Source) -> None:
    """A resource for every fiscal year the data points at, named as the government writes it
    (令和元年度) and as it is also written (平成31年度, R1年度). Runs after the stages that link."""
    prefix = e.iris.of("fiscal-year/")
    # str.startswith: rdflib's URIRef.startswith is a Python call, once per triple here.
    years = sorted({int(o[len(prefix):]) for _, _, o in e.triples
                    if isinstance(o, URIRef) and str.startswith(o, prefix)})
    for year in years:
        if not _EARLIEST <= year <= _LATEST:
            continue
        s = fiscal_year(e, year)
        e.add(s, RDF.type, MIRAI.FiscalYear)
        label = fiscal_year_label(year)
        e.add(s, RDFS.label, ja_literal(label))
        e.add(s, RDFS.label, en_literal(f"FY{year}"))
        for alt in _alternative_labels(year, label):
            e.add(s, SKOS.altLabel, ja_literal(alt))
        e.add(s, MIRAI.fiscalYear, gyear(year))
        e.add(s, SCHEMA.startDate, xsd_date(f"{year}-04-01"))
        e.add(s, SCHEMA.endDate, xsd_date(f"{year + 1}-03-31"))


def _alternative_labels(year: int, label: str) -> list[str]:
    out = []
    if year == 2019:
        # FY2019 began in April 2019, under 平成 (the era changed on 1 May).
        out.append("平成31年度")
    era, rest = label[:2], label[2:]
    initial = {"平成": "H", "令和": "R", "昭和": "S"}.get(era)
    if initial:
        out.append(f"{initial}{rest.replace('元', '1')}")
    return out
