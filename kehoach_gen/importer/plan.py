"""From any finished plan (.docx) to a complete city template, and the source unit's profile.

:func:`import_document` opens the file, reads it as a clerk reads a Kế hoạch (:mod:`.source`,
:mod:`.meta`), and then, by who issued it:

* a unit's plan (a xã, phường, huyện … implementing the plan of its province): its body
  becomes the template's body with the unit's own words as placeholders (:mod:`.wording`),
  its departments become role keys through the agency dictionary (:mod:`.agencies`), its tasks
  (in the body, :mod:`.inline`, or in an appendix table, :mod:`.reader`) the template's tasks,
  and what belongs to that unit alone (signer, its own department names, Nơi nhận naming it)
  its profile;
* a province's (city's) plan: its body and tasks as they are, agencies mapped to role keys
  whose unit names come from the dictionary;
* a document that is only the city's appendix table: today's appendix import.

Everything doubtful is a note of the :class:`~.report.ImportReport`; what is written is
validated as ``kehoach-gen`` will load it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..loading import load_yaml_text
from ..model import DEFAULT_LEVELS, CityTemplate, InlineStyle, Style, UnitProfile, level_scope
from ..ooxml.element import XMLSyntaxError
from ..ooxml.package import open_docx
from ..placeholders import reference_date
from ..spelling import canonical_name, tidy
from ..validate import check_city, check_profile, validate_model
from .agencies import AgencyTable, Dictionary, UnitContext, fill_name, load_dictionary
from .body import BodyWriter, RoleHeading, numbering_of, role_headings
from .drafts import GroupDraft
from .ids import Ids
from .inline import InlineReader
from .meta import Meta, province_of, read_meta, read_plan_ref, sentence_case
from .opening import SAVE_AS, WORDING
from .outline import FIELD_RE, Node, build, classify, correct, tidy_lists
from .reader import footnotes_of, has_appendix_table, read_appendix
from .report import ImportReport
from .result import ImportResult, _appendix_data
from .session import Session
from .source import Line, Source, read_source
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
        src, issuer = self.src, self.issuer
        lines = correct(src.body, self.notes)
        closing = None
        if lines and fold(lines[-1].text).startswith("tren day") and not classify(lines[-1].text)[0]:
            closing = lines.pop()
        first = next((i for i, ln in enumerate(lines) if _opens_outline(ln)), len(lines))
        can_cu, rest = lines[:first], lines[first:]
        self.plan_ref = None if self.city else read_plan_ref(can_cu or lines[:5])
        when = self._date() or (self.plan_ref.date if self.plan_ref else None)
        if self.city:
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
        root = build(rest)
        tidy_lists(root, self.notes)
        area = _task_area(root)
        layout = "inline" if area is not None else "appendix"
        appendix, origins, inline_style = self._tasks(area)
        headings = role_headings(root, table, area)
        self.departments = {} if self.city else self._departments(headings)
        wording = self._wording()
        numbering = numbering_of(root, area)
        writer = BodyWriter(wording, table, self.notes, numbering, self._title_for, task_area=area)
        if area is not None:
            inline = self._inline
            writer.area_content = lambda: [*(writer.text(c) for c in inline.before), {"tasks": True},
                                           *(writer.text(c) for c in inline.after)]
        sections = writer.sections(root)
        if area is None and appendix["groups"] and not writer.cited:
            self.notes.add("cau_truc", "nội dung", "", "nội dung không có câu dẫn phụ lục ('Chi tiết theo Phụ "
                           "lục kèm theo'): thêm '- tasks: true' vào mục nhiệm vụ", doubtful=True)
        if not appendix["groups"]:
            self.notes.add("cau_truc", "phụ lục", "", "văn bản không có nhiệm vụ (không có bảng phụ lục, không có "
                           "nhiệm vụ ghi trong nội dung): thêm nhiệm vụ vào 'appendix' trước khi tạo văn bản",
                           doubtful=True)
        _reword_appendix(appendix, wording, origins)
        if self.footnotes.used:
            appendix["footnotes"] = {k: wording(v, "chú thích") for k, v in self.footnotes.used.items()}
        body: dict[str, Any] = {}
        if src.title is not None and src.title.text != "KẾ HOẠCH":
            body["title"] = src.title.text
        trich_yeu = " ".join(ln.text for ln in src.trich_yeu)
        if not trich_yeu:
            self.notes.add("thong_tin", "phần đầu", "", "không thấy trích yếu dưới tên loại văn bản", doubtful=True)
        body["trich_yeu"] = wording(trich_yeu, src.trich_yeu[0].where if src.trich_yeu else "trích yếu") or "…"
        if can_cu:
            body["can_cu"] = [wording(ln.text, ln.where) for ln in can_cu]
        body["sections"] = sections
        if closing is not None:
            body["closing"] = wording(closing.text, closing.where)
        used = _roles_in(appendix) + [r for r in writer.used_roles]
        template: dict[str, Any] = {"plan": self._plan(trich_yeu)}
        if tuple(self.levels) != DEFAULT_TIER:
            template["levels"] = {k: self.dictionary.levels[k].model_dump(mode="json", exclude_defaults=True)
                                  for k in self.levels}
        style = self._style(numbering, inline_style)
        if style:
            template["style"] = style
        template["task_layout"] = layout
        template["roles"], catalogue = self._roles(used, writer.outside)
        template["body"] = body
        template["appendix"] = appendix
        noi_nhan, own = self._noi_nhan(wording)
        if noi_nhan:
            template["noi_nhan"] = noi_nhan
        template["luu"] = self.meta.luu or ["VT", "VP"]
        profile = None if self.city else self._profile(own)
        report = ImportReport(
            self.name, "thanh_pho" if self.city else "don_vi", template=template, profile=profile,
            notes=self.notes.items, unknown_agencies=list(self.session.unknown), warnings=self.session.problems,
            summary=self._summary(lines, appendix, template, layout, catalogue))
        _validate(report)
        return report

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
            data = {"groups": [_clean(g.data()) for g in inline.groups]}
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

    # -- roles -----------------------------------------------------------------------------
    def _resolve(self, role: str, departments: dict[str, Any], seen: tuple[str, ...] = ()) -> list[str]:
        if role in seen or self.level is None:
            return []
        d = self.dictionary.roles.get(role)
        if role in departments:
            value = departments[role]
        elif d is None:
            return []
        else:
            value = d.value(self.level)
            if value is None:
                return [d.city[0]] if d.city else []
        if isinstance(value, str):
            return [fill_name(value, self.cap, self.issuer.name)]
        return [n for sub in value for n in self._resolve(sub, departments, (*seen, role))]

    def _departments(self, headings: Sequence[RoleHeading]) -> dict[str, Any]:
        """The names this unit alone gives its departments (those its level does not)."""
        seen: dict[str, Counter[str]] = {}
        where: dict[tuple[str, str], str] = {}
        for role, name, at in self.session.observed:
            if role is not None:
                seen.setdefault(role, Counter())[name] += 1
                where.setdefault((role, name), at)
        for h in headings:
            # a heading naming the department as the unit calls it ("Phòng Kinh tế"), not a
            # title in a general form ("Ủy ban Mặt trận Tổ quốc Việt Nam {{ cap }} và …")
            if h.match.how != "tên đầy đủ" and "{{" not in h.match.pattern:
                seen.setdefault(h.role, Counter())[h.name] += 1
                where.setdefault((h.role, h.name), h.node.where)
        departments: dict[str, Any] = {}
        order = sorted(seen, key=lambda r: isinstance(self.dictionary.roles[r].value(self.level or ""), list))
        for role in order:
            canonical = "; ".join(self._resolve(role, departments))
            counts = seen[role]
            forms: Counter[str] = Counter()
            for name, n in counts.items():
                forms[_same(name)] += n
            chosen_key, _ = forms.most_common(1)[0]
            chosen = next(n for n in counts if _same(n) == chosen_key)
            if chosen_key != _same(canonical):
                departments[role] = chosen
                self.notes.add("ho_so", where[(role, chosen)], chosen,
                               f"vai trò {role}: đơn vị nguồn gọi là '{chosen}', khác tên chung '{canonical or '—'}' "
                               f"của cấp {self.cap}: ghi vào hồ sơ đơn vị (departments), mẫu giữ tên chung")
            for name in counts:
                if _same(name) != chosen_key:
                    self.notes.add("vai_tro", where[(role, name)], name,
                                   f"'{name}' cũng là vai trò {role} nhưng viết khác '{chosen}': in theo '{chosen}'",
                                   doubtful=True)
                elif name != chosen or (role not in departments and name != canonical):
                    self.notes.add("sua", where[(role, name)], name,
                                   f"'{name}' in theo tên chuẩn '{departments.get(role, canonical)}'")
        for role, name, at in self.session.observed:
            if role is not None:
                found = self.table.match(name)
                how = found.how if found else "tách từ một ô nhiều cơ quan"
                self.notes.add("vai_tro", at, name, f"'{name}' → vai trò {role} ({how})")
            else:
                body = self.table.city_body(name)
                extra = f" (cơ quan cấp tỉnh '{body}', giữ tên)" if body else ""
                self.notes.add("co_quan_la", at, name, f"'{name}' giữ nguyên văn{extra}")
        return departments

    def _title_for(self, heading: RoleHeading) -> str | None:
        if self.city:
            return None if heading.match.how != "tên trong mẫu cũ" else heading.name
        dept = self.departments.get(heading.role)
        role = self.dictionary.roles[heading.role]
        if isinstance(dept, str):
            expected = fill_name(dept, self.cap, self.issuer.name)
        elif role.full:
            expected = fill_name(role.full, self.cap, self.issuer.name)
        else:
            expected = "; ".join(self._resolve(heading.role, self.departments))
        if _same(expected) == _same(heading.name):
            return None
        self.notes.add("vai_tro", heading.node.where, heading.name,
                       f"đoạn của vai trò {heading.role} có tiêu đề riêng '{heading.name}' (tên chung: '{expected}'): "
                       "ghi 'title'")
        return heading.name

    def _roles(self, used: Sequence[str], outside: dict[str, bool]) -> tuple[dict[str, Any], list[str]]:
        roles = self.dictionary.roles
        keys: list[str] = []

        def add(key: str) -> None:
            if key in keys or key not in roles:
                return
            keys.append(key)
            for value in (roles[key].unit, *roles[key].by_level.values()):
                if isinstance(value, list):
                    for sub in value:
                        add(sub)

        for key in used:
            add(key)
        catalogue = []
        for key, role in roles.items():
            values = [role.value(lv) for lv in self.levels]
            if key not in keys and not role.drop and (any(isinstance(v, str) for v in values) or role.names):
                catalogue.append(key)
                add(key)
        for key in self.departments:
            add(key)
        out: dict[str, Any] = {}
        for key in [k for k in roles if k in keys]:
            data = roles[key].template_data(self.levels)
            if key in outside and outside[key] != roles[key].outside and not data.get("drop"):
                if outside[key]:
                    data["outside"] = True
                else:
                    data.pop("outside", None)
                self.notes.add("vai_tro", "nội dung", key, f"vai trò {key}: "
                               + ("có 'Đề nghị' trong văn bản nguồn: outside: true" if outside[key]
                                  else "văn bản nguồn không ghi 'Đề nghị': bỏ outside"))
            out[key] = data
        return out, [k for k in catalogue if k in out]

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
            parts = [f"{meta.year:04d}"] + ([f"{meta.month:02d}"] if meta.month else []) + (
                [f"{meta.day:02d}"] if meta.month and meta.day else [])
            profile["date"] = "-".join(parts)
        if self.departments:
            profile["departments"] = dict(self.departments)
        signer = meta.signer
        if signer is not None:
            data: dict[str, Any] = {"name": signer.name}
            position = _position(signer.position, spec.head)
            if position:
                data["position"] = position
            if signer.authority:
                data["authority"] = signer.authority
            profile["signer"] = data
            self.notes.add("ho_so", signer.where, f"{signer.authority or ''} {signer.position or ''} {signer.name}",
                           f"người ký: {signer.name or '(chưa có tên)'}, {position or spec.head}, "
                           f"{signer.authority}: ghi vào hồ sơ đơn vị")
            if signer.body and canonical_name(signer.body) != canonical_name(spec.body):
                self.notes.add("ho_so", signer.where, signer.body,
                               f"thẩm quyền ký 'TM. {signer.body.upper()}' khác '{spec.body}': xem lại 'levels'",
                               doubtful=True)
        if own_noi_nhan:
            profile["noi_nhan"] = {"add": own_noi_nhan}
        return profile

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


def _same(name: str) -> str:
    return canonical_name(tidy(name)).rstrip(" .;,")


def _position(position: str | None, head: str) -> str | None:
    if not position:
        return None
    if canonical_name(position) == canonical_name(head):
        return head
    if canonical_name(position) == canonical_name(f"Phó {head}"):
        return f"Phó {head}"
    return sentence_case(position)


def _clean(data: Any) -> Any:
    """Draft data without empty values (the template's defaults)."""
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items() if v not in (None, [], {}) or k in ("title",)}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


def _roles_in(appendix: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("lead", "coop") and isinstance(v, list):
                    for item in v:
                        role = item if isinstance(item, str) else item.get("role") if isinstance(item, dict) else None
                        if role and role not in out:
                            out.append(role)
                else:
                    visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    visit(appendix)
    return out


def _reword_appendix(appendix: dict[str, Any], wording: Callable[[str, str], str], origins: dict[str, str]) -> None:
    """Every text of the task list reworded for every unit."""

    def assignments(items: list[Any], where: str) -> None:
        for i, item in enumerate(items):
            if isinstance(item, dict):
                for k in ("text", "note"):
                    if item.get(k):
                        item[k] = wording(item[k], where)
                if set(item) == {"role"}:
                    items[i] = item["role"]

    def fields(node: dict[str, Any], where: str) -> None:
        for k in ("text", "title"):
            if isinstance(node.get(k), str) and node[k]:
                node[k] = wording(node[k], where)
        for k in ("intro", "outputs", "deadline"):
            if isinstance(node.get(k), list):
                node[k] = [wording(v, where) for v in node[k]]
        for k in ("lead", "coop"):
            if isinstance(node.get(k), list):
                assignments(node[k], where)

    for g in appendix.get("groups", []):
        gwhere = origins.get(g.get("id", ""), "phụ lục")
        fields(g, gwhere)
        for t in g.get("tasks", []):
            fields(t, origins.get(t.get("id", ""), gwhere))
        for s in g.get("sections", []):
            swhere = origins.get(s.get("id", ""), gwhere)
            fields(s, swhere)
            if isinstance(s.get("task"), dict):
                fields(s["task"], origins.get(s["task"].get("id", ""), swhere))
            for t in s.get("tasks", []):
                fields(t, origins.get(t.get("id", ""), swhere))


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
