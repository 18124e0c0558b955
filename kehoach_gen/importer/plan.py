"""From any finished plan (.docx) to a complete city template, and the source unit's profile.

:func:`import_document` opens the file, reads it as a clerk reads a Kế hoạch (:mod:`.source`,
:mod:`.meta`), and then, by who issued it:

* a unit's plan (a xã, phường, huyện … implementing the plan of its province): its body
  becomes the template's body with the unit's own words as placeholders (:mod:`.wording`),
  its departments become role keys through the agency dictionary (:mod:`.agencies`,
  :mod:`.roles`), its tasks (in the body, :mod:`.inline`, or in an appendix table,
  :mod:`.reader`) the template's tasks (:mod:`.tasklist`), and what belongs to that unit
  alone (signer, its own department names, Nơi nhận naming it) its profile;
* a province's (city's) plan: its body and tasks as they are, agencies mapped to role keys
  whose unit names come from the dictionary;
* a document that is only the city's appendix table: today's appendix import.

Everything doubtful is a note of the :class:`~.report.ImportReport`; what is written is
validated as ``kehoach-gen`` will load it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..loading import load_yaml_text
from ..model import DEFAULT_LEVELS, CityTemplate, InlineStyle, Style, UnitProfile, level_scope
from ..ooxml.element import XMLSyntaxError
from ..ooxml.package import open_docx
from ..placeholders import reference_date
from ..spelling import canonical_name
from ..validate import check_city, check_profile, validate_model
from .agencies import AgencyTable, Dictionary, UnitContext, load_dictionary
from .body import BodyWriter, numbering_of, role_headings
from .drafts import GroupDraft
from .ids import Ids
from .inline import InlineReader
from .meta import Meta, province_of, read_meta, read_plan_ref, sentence_case
from .opening import SAVE_AS, WORDING
from .outline import FIELD_RE, Node, build, classify, correct, tidy_lists
from .reader import footnotes_of, has_appendix_table, read_appendix
from .report import ImportReport
from .result import ImportResult, _appendix_data
from .roles import UnitRoles
from .session import Session
from .source import Line, Source, read_source
from .tasklist import clean, reword_appendix, roles_in
from .text import fold
from .wording import Notes, Respell, Wording

DEFAULT_TIER = tuple(DEFAULT_LEVELS)


def import_document(source: str | Path | bytes, *, agencies: str | Path | None = None,
                    previous: CityTemplate | None = None) -> ImportReport:
    """Import a finished plan (a path or its bytes). ``agencies``: the user's own agency
    dictionary; ``previous``: a template from an earlier import, whose task ids are kept.

    Raises :class:`InputError` for a file that is not a readable plan."""
    dictionary = load_dictionary(agencies)
    opened = open_docx(source, WORDING)
    try:
        return _import(opened.document, opened.name, dictionary, previous)
    except XMLSyntaxError as exc:
        raise InputError([Problem(message=f"tài liệu Word bị hỏng: {exc}", file=opened.name,
                                  hint=SAVE_AS)]) from None


def _import(document: Any, name: str | None, dictionary: Dictionary, previous: CityTemplate | None
            ) -> ImportReport:
    session = Session(name, previous)
    notes_part = footnotes_of(document, session)
    src = read_source(document, name, notes_part.marker)
    def city_table() -> Session:
        return Session(name, previous, agencies=AgencyTable.for_template(previous, dictionary=dictionary))

    if not src.is_plan:
        if has_appendix_table(document):
            return ImportReport.from_appendix(read_appendix(document, city_table()))
        raise InputError([Problem(
            message="không nhận ra văn bản: không có tên loại 'KẾ HOẠCH', phần ký và không có bảng phụ lục "
                    "phân công nhiệm vụ", file=name,
            hint="Cần tệp Kế hoạch hoàn chỉnh (.docx) hoặc bảng phụ lục có cột 'TT', 'Nhiệm vụ', 'Cơ quan chủ trì'")])
    texts = [ln.text for ln in (*src.trich_yeu, *src.body)]
    meta = read_meta(src.head, src.signer, src.noi_nhan, dictionary, texts)
    if meta.issuer is None:
        if has_appendix_table(document):
            return ImportReport.from_appendix(read_appendix(document, city_table()))
        raise InputError([Problem(
            message="không đọc được cơ quan ban hành ở phần đầu văn bản (ví dụ 'ỦY BAN NHÂN DÂN' / 'XÃ TÂN AN')",
            file=name, hint="Kiểm tra phần đầu văn bản có tên cơ quan ban hành và cấp (xã, phường, huyện, tỉnh …)")])
    return _Import(document, name, src, meta, dictionary, previous, notes_part).run()


class _Import:
    """One import of a whole plan."""

    def __init__(self, document: Any, name: str | None, src: Source, meta: Meta, dictionary: Dictionary,
                 previous: CityTemplate | None, footnotes: Any):
        self.document, self.name, self.src, self.meta = document, name, src, meta
        self.dictionary, self.previous, self.footnotes = dictionary, previous, footnotes
        self.notes = Notes()
        assert meta.issuer is not None
        self.issuer = meta.issuer
        self.city = self.issuer.is_province

    # -- the whole -------------------------------------------------------------------------
    def run(self) -> ImportReport:
        """Reads the body (its tasks first, then who does them, then its wording), writes the
        template and the profile, and checks that both load as ``kehoach-gen`` loads them.
        The notes come in the order they are taken here, which the report keeps."""
        parts = _Parts.of(correct(self.src.body, self.notes))
        self._setup(parts)
        root = build(parts.rest)
        tidy_lists(root, self.notes)
        area = _task_area(root)
        appendix, origins, inline_style = self._tasks(area)
        headings = role_headings(root, self.table, area)
        if not self.city:
            self.roles.read_departments(self.session.observed, headings, self.table)
        self.departments = self.roles.departments
        wording = self._wording()
        numbering = numbering_of(root, area)
        writer = self._writer(wording, numbering, area)
        sections = writer.sections(root)
        self._note_tasks(appendix, area, writer)
        reword_appendix(appendix, wording, origins)
        if self.footnotes.used:
            appendix["footnotes"] = {k: wording(v, "chú thích") for k, v in self.footnotes.used.items()}
        body = self._body(parts, sections, wording)
        read = _Read("inline" if area is not None else "appendix", appendix, numbering, inline_style, writer, wording)
        template, catalogue, own = self._template(body, read)
        profile = None if self.city else self._profile(own)
        report = ImportReport(
            self.name, "thanh_pho" if self.city else "don_vi", template=template, profile=profile,
            notes=self.notes.items, unknown_agencies=list(self.session.unknown), warnings=self.session.problems,
            summary=self._summary(parts.lines, appendix, template, read.layout, catalogue))
        _validate(report)
        return report

    def _setup(self, parts: _Parts) -> None:
        """What the issuer decides: the plan implemented (a unit's plan), the levels the
        template serves, the unit's noun, and the agency table of the import."""
        issuer = self.issuer
        self.plan_ref = None if self.city else read_plan_ref(parts.can_cu or parts.lines[:5])
        when = self._date() or (self.plan_ref.date if self.plan_ref else None)
        if self.city:
            # a province's plan before the two-level reform (1 July 2025) still served districts
            self.levels = self.dictionary.tier_of("huyen", when) if when and when < dt.date(2025, 7, 1) \
                else DEFAULT_TIER
            self.level = None
            cap = issuer.noun
            table = AgencyTable.for_template(self.previous, dictionary=self.dictionary)
        else:
            assert issuer.level is not None
            self.level = issuer.level
            self.levels = self.dictionary.tier_of(issuer.level, when)
            spec = self.dictionary.levels[issuer.level]
            cap = spec.noun
            table = AgencyTable(unit=UnitContext(issuer.level, cap, issuer.name), dictionary=self.dictionary,
                                departments=spec.departments)
        self.cap, self.table = cap, table
        self.session = Session(self.name, self.previous, agencies=table)
        self.roles = UnitRoles(self.dictionary, self.notes, self.level, cap, issuer.name)

    def _writer(self, wording: Callable[[str, str], str], numbering: list[str], area: Node | None) -> BodyWriter:
        """The writer of the body's sections; in the task area it writes the text before
        the tasks, the tasks' place, and the text after."""
        writer = BodyWriter(wording, self.table, self.notes, numbering, self.roles.title_for, task_area=area)
        if area is not None:
            inline = self._inline
            writer.area_content = lambda: [*(writer.text(c) for c in inline.before), {"tasks": True},
                                           *(writer.text(c) for c in inline.after)]
        return writer

    def _note_tasks(self, appendix: dict[str, Any], area: Node | None, writer: BodyWriter) -> None:
        """What the plan lacks for its tasks: a sentence citing the appendix, or any task."""
        if area is None and appendix["groups"] and not writer.cited:
            self.notes.add("cau_truc", "nội dung", "", "nội dung không có câu dẫn phụ lục ('Chi tiết theo Phụ "
                           "lục kèm theo'): thêm '- tasks: true' vào mục nhiệm vụ", doubtful=True)
        if not appendix["groups"]:
            self.notes.add("cau_truc", "phụ lục", "", "văn bản không có nhiệm vụ (không có bảng phụ lục, không có "
                           "nhiệm vụ ghi trong nội dung): thêm nhiệm vụ vào 'appendix' trước khi tạo văn bản",
                           doubtful=True)

    def _body(self, parts: _Parts, sections: list[dict[str, Any]], wording: Callable[[str, str], str]
              ) -> dict[str, Any]:
        """The template's ``body``: title (when not "KẾ HOẠCH"), trích yếu, căn cứ, sections
        and closing sentence, each reworded for every unit."""
        src = self.src
        body: dict[str, Any] = {}
        if src.title is not None and src.title.text != "KẾ HOẠCH":
            body["title"] = src.title.text
        if not self.trich_yeu:
            self.notes.add("thong_tin", "phần đầu", "", "không thấy trích yếu dưới tên loại văn bản", doubtful=True)
        body["trich_yeu"] = wording(self.trich_yeu, src.trich_yeu[0].where if src.trich_yeu else "trích yếu") or "…"
        if parts.can_cu:
            body["can_cu"] = [wording(ln.text, ln.where) for ln in parts.can_cu]
        body["sections"] = sections
        if parts.closing is not None:
            body["closing"] = wording(parts.closing.text, parts.closing.where)
        return body

    @property
    def trich_yeu(self) -> str:
        return " ".join(ln.text for ln in self.src.trich_yeu)

    def _template(self, body: dict[str, Any], read: _Read) -> tuple[dict[str, Any], list[str], list[str]]:
        """The template, its keys in the order a person reads them; the keys of the
        dictionary's catalogue among its roles; the Nơi nhận lines naming the source unit."""
        used = roles_in(read.appendix) + [r for r in read.writer.used_roles]
        template: dict[str, Any] = {"plan": self._plan(self.trich_yeu)}
        if tuple(self.levels) != DEFAULT_TIER:
            template["levels"] = {k: self.dictionary.levels[k].model_dump(mode="json", exclude_defaults=True)
                                  for k in self.levels}
        style = self._style(read.numbering, read.inline_style)
        if style:
            template["style"] = style
        template["task_layout"] = read.layout
        template["roles"], catalogue = self.roles.template_roles(used, read.writer.outside, self.levels)
        template["body"] = body
        template["appendix"] = read.appendix
        noi_nhan, own = self._noi_nhan(read.wording)
        if noi_nhan:
            template["noi_nhan"] = noi_nhan
        template["luu"] = self.meta.luu or ["VT", "VP"]
        return template, catalogue, own

    # -- metadata --------------------------------------------------------------------------
    def _date(self) -> dt.date | None:
        m = self.meta
        if m.year is None:
            return None
        try:
            return dt.date(m.year, m.month or 1, m.day or 1)
        except ValueError:
            return None

    def _plan(self, trich_yeu: str) -> dict[str, Any]:
        ref = self.plan_ref
        if self.city:
            issuer = f"{self.issuer.body} {self.issuer.noun} {self.issuer.name}"
            date = self._date()
            if date is None or self.meta.day is None:
                self.notes.add("thong_tin", self.meta.date_where or "phần đầu", "",
                               "văn bản chưa có ngày ban hành đầy đủ: ghi tạm, sửa 'plan.date'", doubtful=True)
            number = f"{self.meta.number or '…'}/{self.meta.symbol or 'KH-UBND'}"
            if not self.meta.number:
                self.notes.add("thong_tin", self.meta.number_where or "phần đầu", "",
                               "văn bản chưa có số: ghi tạm '…', sửa 'plan.number'", doubtful=True)
            self.notes.add("thong_tin", self.issuer.where, " / ".join(self.issuer.lines),
                           f"Kế hoạch của {issuer}: mẫu triển khai chính Kế hoạch này")
            return {"issuer": issuer, "issuer_short": f"UBND {self.issuer.noun}", "province": self.issuer.name,
                    "number": number, "date": (date or dt.date.today()).isoformat(), "name": trich_yeu or "…"}
        self.notes.add("thong_tin", self.issuer.where, " / ".join(self.issuer.lines),
                       f"đơn vị ban hành: {self.issuer.body} {self.cap} {self.issuer.name} (cấp {self.cap})")
        if ref is None:
            self.notes.add("thong_tin", "căn cứ", "", "không thấy 'Kế hoạch số … ngày … của …' mà văn bản thực hiện: "
                           "điền 'plan' (số, ngày, cơ quan, tên) bằng tay", doubtful=True)
            province = self._province_guess()
            return {"issuer": f"Ủy ban nhân dân {province[0]} {province[1]}", "issuer_short": f"UBND {province[0]}",
                    "province": province[1], "number": "…", "date": (self._date() or dt.date.today()).isoformat(),
                    "name": trich_yeu or "…"}
        prov = province_of(ref.issuer) or self._province_guess()
        name = ref.name
        if not name:
            name = re.sub(r"\s+trên địa bàn\s+.*$", "", trich_yeu) or trich_yeu
            self.notes.add("thong_tin", ref.where, "", f"tên Kế hoạch được thực hiện lấy từ trích yếu: '{name}'",
                           doubtful=True)
        self.notes.add("thong_tin", ref.where, f"{ref.kind} số {ref.number} ngày {ref.date_text} của {ref.issuer}",
                       f"thực hiện {ref.kind} số {ref.number} ngày {ref.date:%d/%m/%Y} của {ref.issuer}: "
                       "ghi vào 'plan'")
        if ref.date_format is None:
            self.notes.add("thong_tin", ref.where, ref.date_text,
                           "ngày của Kế hoạch được thực hiện viết kiểu khác 02/05/2026 và 2/5/2026: giữ nguyên văn, "
                           "không dùng {{ kh_ngay }}", doubtful=True)
        return {"issuer": ref.issuer, "issuer_short": f"UBND {prov[0]}", "province": prov[1], "number": ref.number,
                "date": ref.date.isoformat(), "name": name}

    def _province_guess(self) -> tuple[str, str]:
        from ..units import province_name

        for text in (ln.text for ln in self.src.body):
            for m in re.finditer(r"\b(thành phố|tỉnh)\s+((?:[A-ZĐÂĂÊÔƠƯ][^\s,.;]*\s?){1,3})", text):
                try:
                    return m.group(1), province_name(m.group(2).strip())
                except InputError:
                    continue
        self.notes.add("thong_tin", "nội dung", "", "không biết tỉnh, thành phố: ghi tạm '…', sửa 'plan.province'",
                       doubtful=True)
        return "tỉnh", "…"

    # -- tasks -----------------------------------------------------------------------------
    def _tasks(self, area: Node | None) -> tuple[dict[str, Any], dict[str, str], InlineStyle | None]:
        if area is not None:
            reader = InlineReader(self.session, self.notes)
            inline = reader.read(area)
            self._inline = inline
            ids = Ids(self.session, inline.groups)
            ids.assign()
            data = {"groups": [clean(g.data()) for g in inline.groups]}
            self.notes.add("cau_truc", area.where, area.text,
                           f"{inline.count} nhiệm vụ ghi trong nội dung (task_layout: inline)")
            return data, ids.origins(), inline.style
        if has_appendix_table(self.document):
            result: ImportResult = read_appendix(self.document, self.session, self.footnotes)
            data = _appendix_data(result.appendix)
            tasks = len(result.appendix.all_tasks())
            self.notes.add("cau_truc", "phụ lục", f"{result.appendix.heading} {result.appendix.title}",
                           f"{tasks} nhiệm vụ đọc từ bảng phụ lục (task_layout: appendix)")
            return data, result.origins, None
        return {"groups": []}, {}, None

    # -- Nơi nhận, profile -----------------------------------------------------------------
    def _noi_nhan(self, wording: Callable[[str, str], str]) -> tuple[dict[str, list[str]], list[str]]:
        if self.city:
            self.notes.add("thong_tin", "Nơi nhận", "", "Nơi nhận của đơn vị đề xuất theo từ điển: xem lại "
                           "'noi_nhan'", doubtful=True)
            return {"unit": list(self.dictionary.noi_nhan_unit)}, []
        city: list[str] = []
        unit: list[str] = []
        own: list[str] = []
        name_key = canonical_name(self.issuer.name)
        for ln in self.meta.noi_nhan:
            if name_key and name_key in canonical_name(ln.text):
                own.append(ln.text)
                self.notes.add("ho_so", ln.where, ln.text, "nơi nhận nêu tên đơn vị nguồn: ghi vào hồ sơ đơn vị "
                               "(noi_nhan.add), không vào mẫu")
                continue
            text = wording(ln.text, ln.where)
            (unit if unit or "{{" in text else city).append(text)
        out: dict[str, list[str]] = {}
        if city:
            out["city"] = city
        if unit:
            out["unit"] = unit
        return out, own

    def _profile(self, own_noi_nhan: list[str]) -> dict[str, Any]:
        """The source unit's profile: what in the plan belongs to that unit alone (its
        number, date, own department names, signer, Nơi nhận naming it)."""
        meta, issuer = self.meta, self.issuer
        assert self.level is not None
        spec = self.dictionary.levels[self.level]
        profile: dict[str, Any] = {"level": spec.name, "name": issuer.name}
        province = self._plan_province()
        if province:
            profile["province"] = province
        if meta.place and canonical_name(meta.place) != canonical_name(issuer.name):
            profile["place"] = meta.place
        if meta.number:
            profile["number"] = meta.number
        if meta.symbol and meta.symbol != "KH-UBND":
            profile["symbol"] = meta.symbol
        if meta.year:
            profile["date"] = _partial_date(meta.year, meta.month, meta.day)
        if self.departments:
            profile["departments"] = dict(self.departments)
        if meta.signer is not None:
            profile["signer"] = self._signer(meta.signer, spec)
        if own_noi_nhan:
            profile["noi_nhan"] = {"add": own_noi_nhan}
        return profile

    def _signer(self, signer: Any, spec: Any) -> dict[str, Any]:
        """The profile's ``signer``, with notes on who signs and with what authority."""
        data: dict[str, Any] = {"name": signer.name}
        position = _position(signer.position, spec.head)
        if position:
            data["position"] = position
        if signer.authority:
            data["authority"] = signer.authority
        self.notes.add("ho_so", signer.where, f"{signer.authority or ''} {signer.position or ''} {signer.name}",
                       f"người ký: {signer.name or '(chưa có tên)'}, {position or spec.head}, "
                       f"{signer.authority}: ghi vào hồ sơ đơn vị")
        if signer.body and canonical_name(signer.body) != canonical_name(spec.body):
            self.notes.add("ho_so", signer.where, signer.body,
                           f"thẩm quyền ký 'TM. {signer.body.upper()}' khác '{spec.body}': xem lại 'levels'",
                           doubtful=True)
        return data

    def _plan_province(self) -> str | None:
        ref = self.plan_ref
        prov = province_of(ref.issuer) if ref else None
        return prov[1] if prov else None

    # -- wording ---------------------------------------------------------------------------
    def _wording(self) -> Callable[[str, str], str]:
        if self.city:
            self.notes.add("cau_truc", "nội dung", "", "văn bản của tỉnh, thành phố: nội dung giữ như văn bản; "
                           "cách viết cho đơn vị ('unit:', 'xa:', 'phuong:' …) cần soạn thêm", doubtful=True)
            return Respell(self.dictionary.spelling, self.notes, self._all_text())
        ref = self.plan_ref
        nouns = [*(s.noun for s in self.dictionary.levels.values()),
                 *(s.name for s in self.dictionary.levels.values()), *self.dictionary.provinces]
        prov = province_of(ref.issuer) if ref else None
        ambiguous = prov is not None and canonical_name(prov[0]) == canonical_name(self.cap)
        date_text = ref.date_text if ref and ref.date_format else None
        if ref and ref.date_format and reference_date(ref.date, ref.date_format) != ref.date_text:
            date_text = None
        persons = [self.meta.signer.name] if self.meta.signer and self.meta.signer.name else []
        own = {name: role for role, name in self.departments.items() if isinstance(name, str)}
        return Wording(cap=self.cap, name=self.issuer.name, nouns=nouns,
                       not_references=self.dictionary.not_references,
                       generic_before=self.dictionary.generic_before, notes=self.notes,
                       plan_number=ref.number if ref else None, plan_date=date_text, persons=persons,
                       departments=own, ambiguous_noun=ambiguous,
                       other_names=[prov[1]] if prov else [],
                       respell=Respell(self.dictionary.spelling, self.notes, self._all_text()))

    def _all_text(self) -> str:
        """Every text of the plan, to tell which words it writes two ways."""
        src = self.src
        lines = [*src.head, *([src.title] if src.title else []), *src.trich_yeu, *src.body, *src.noi_nhan,
                 *src.signer]
        return "\n".join(ln.text for ln in lines)

    def _style(self, numbering: list[str], inline: InlineStyle | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        default = Style()
        if numbering != default.numbering:
            out["numbering"] = numbering
            self.notes.add("cau_truc", "nội dung", " › ".join(numbering), "đánh số đề mục khác mặc định: ghi "
                           "'style.numbering'")
        if inline is not None and inline != default.inline:
            out["inline"] = inline.model_dump(mode="json", exclude_defaults=True)
            self.notes.add("cau_truc", "nội dung", "", "cách ghi nhiệm vụ trong nội dung khác mặc định: ghi "
                           "'style.inline'")
        ref = self.plan_ref
        if ref is not None and ref.date_format == "d/m/yyyy":
            out["date_format"] = "d/m/yyyy"
        return out

    def _summary(self, lines: Sequence[Line], appendix: dict[str, Any], template: dict[str, Any], layout: str,
                 catalogue: list[str]) -> dict[str, Any]:
        tasks = 0
        for g in appendix["groups"]:
            tasks += len(g.get("tasks", []))
            for s in g.get("sections", []):
                tasks += len(s.get("tasks", [])) + (1 if "task" in s else 0)
        out: dict[str, Any] = {"doan": len(lines), "nhiem_vu": tasks, "vai_tro": len(template["roles"]),
                               "nguyen_van": len(self.session.unknown),
                               "bo_cuc": "ghi trong nội dung" if layout == "inline" else "ở phụ lục",
                               "danh_muc": catalogue}
        if not self.city:
            out["don_vi"] = f"{self.issuer.body} {self.cap} {self.issuer.name}"
            out["cap"] = self.cap
        else:
            out["don_vi"] = f"{self.issuer.body} {self.issuer.noun} {self.issuer.name}"
            out["cap"] = self.issuer.noun
        if self.plan_ref is not None:
            r = self.plan_ref
            out["thuc_hien"] = f"{r.kind} số {r.number} ngày {r.date_text} của {r.issuer}"
        return out


# ---------------------------------------------------------------------------------------------


@dataclass
class _Parts:
    """The body's lines: all of them (the closing sentence taken off), the căn cứ before the
    first heading, the rest (the outline), and the closing "Trên đây là …" sentence."""

    lines: list[Line]
    can_cu: list[Line]
    rest: list[Line]
    closing: Line | None

    @classmethod
    def of(cls, lines: list[Line]) -> _Parts:
        closing = None
        if lines and fold(lines[-1].text).startswith("tren day") and not classify(lines[-1].text)[0]:
            closing = lines.pop()
        first = next((i for i, ln in enumerate(lines) if _opens_outline(ln)), len(lines))
        return cls(lines, lines[:first], lines[first:], closing)


@dataclass
class _Read:
    """What reading the body gave, for the parts of the template written after it."""

    layout: str  # "inline" or "appendix"
    appendix: dict[str, Any]
    numbering: list[str]
    inline_style: InlineStyle | None
    writer: BodyWriter
    wording: Callable[[str, str], str]


def _partial_date(year: int, month: int | None, day: int | None) -> str:
    """"2026", "2026-05" or "2026-05-02": as much of the date as the plan gives."""
    parts = [f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if month and day else [])
    return "-".join(parts)


def _opens_outline(line: Line) -> bool:
    fmt = classify(line.text)[0]
    return fmt == "I." or (bool(fmt) and line.bold)


def _task_area(root: Node) -> Node | None:
    """The top-level heading whose content has the most field lines ("- Đơn vị chủ trì: …")."""
    best, most = None, 0
    for child in root.children:
        if not child.numbered:
            continue
        n = sum(1 for c in child.walk() if not c.numbered and FIELD_RE.match(c.title))
        if n > most:
            best, most = child, n
    return best


def _position(position: str | None, head: str) -> str | None:
    if not position:
        return None
    if canonical_name(position) == canonical_name(head):
        return head
    if canonical_name(position) == canonical_name(f"Phó {head}"):
        return f"Phó {head}"
    return sentence_case(position)


def _validate(report: ImportReport) -> None:
    """The template and profile load as ``kehoach-gen`` loads them; an import that would write
    an invalid one is a bug, said so in one located line."""
    text = report.template_yaml()
    loaded = load_yaml_text(text)
    try:
        city = validate_model(loaded, CityTemplate)
    except InputError as exc:
        raise InputError([Problem(message=f"mẫu nhập được chưa hợp lệ ({p.key}: {p.message}); đây là lỗi của "
                                  "chương trình, xin báo nhóm phát triển", file=report.source_name)
                          for p in exc.errors[:5]]) from None
    problems = [p for p in check_city(city, loaded) if not p.warning]
    if problems:
        raise InputError([Problem(message=f"mẫu nhập được chưa hợp lệ ({p.key}: {p.message}); đây là lỗi của "
                                  "chương trình, xin báo nhóm phát triển", file=report.source_name)
                          for p in problems[:5]])
    profile_text = report.profile_yaml()
    if profile_text is None:
        return
    ploaded = load_yaml_text(profile_text)
    with level_scope(city.levels):
        profile = validate_model(ploaded, UnitProfile)
    errors = [p for p in check_profile(profile, ploaded, city, draft=True) if not p.warning]
    if errors:
        raise InputError([Problem(message=f"hồ sơ đơn vị nhập được chưa hợp lệ ({p.key}: {p.message}); đây là lỗi "
                                  "của chương trình, xin báo nhóm phát triển", file=report.source_name)
                          for p in errors[:5]])


__all__ = ["GroupDraft", "import_document"]
