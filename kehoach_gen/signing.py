"""The signature block: which authority a signer signs with, and its lines (Nghị định 30,
Phụ lục I, mục 7).

A collective body (Ủy ban nhân dân) is signed for: its head signs "TM. ỦY BAN NHÂN DÂN /
CHỦ TỊCH", a deputy "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", an acting head
"… / Q. CHỦ TỊCH". A body run by its head (a Sở) is signed by the head ("GIÁM ĐỐC") or a deputy
("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"). Another official signs "TL." (by order) or "TUQ." (by
authorisation) of the head, under their own title. The authority follows from the position
unless written; a written authority that contradicts the position is a problem with its fix.
The head may also sign in person, a declared choice (``authority: không``): the position
alone, no "TM." line.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import IN_PERSON, LevelSpec, Signer
from .spelling import canonical_name


@dataclass(frozen=True)
class SignerProblem:
    key: str  # "position" or "authority" (under "signer")
    message: str
    hint: str


def _same(a: str, b: str) -> bool:
    return canonical_name(a) == canonical_name(b)


def _kind(spec: LevelSpec, position: str) -> str:
    """"head", "deputy", "acting" or "other" for a position of ``spec``'s body."""
    head = spec.head
    if _same(position, head):
        return "head"
    if _same(position, f"Quyền {head}"):
        return "acting"
    if canonical_name(position).startswith(canonical_name(f"Phó {head}")):
        return "deputy"
    return "other"


def authority(spec: LevelSpec, signer: Signer) -> str | None:
    """The authority the signer signs with (``""``: in person), or None when the position
    says nothing and none is written (a problem :func:`problems` reports)."""
    if signer.authority is not None:
        return signer.authority
    kind = _kind(spec, signer.position or spec.head)
    return {"head": "TM." if spec.collective else IN_PERSON, "deputy": "KT.", "acting": "Q."}.get(kind)


def problems(spec: LevelSpec, signer: Signer) -> list[SignerProblem]:
    """What contradicts Nghị định 30 between the position and the authority."""
    position = signer.position or spec.head
    kind = _kind(spec, position)
    head, body = spec.head, spec.body
    deputy = f"Phó {head}"
    written = signer.authority
    out: list[SignerProblem] = []

    def bad(key: str, message: str, hint: str) -> None:
        out.append(SignerProblem(key, message, hint))

    if written is None:
        if kind == "other":
            bad("position", f"chức vụ '{position}' không phải {head}, {deputy} của {body}",
                f"Ghi chức vụ '{head}' hoặc '{deputy}'; người khác ký thừa lệnh thì ghi "
                "'authority: TL.', thừa ủy quyền thì 'authority: TUQ.'")
        return out
    if written == "TM.":
        if not spec.collective:
            bad("authority", f"'TM.' chỉ dùng cho cơ quan làm việc theo chế độ tập thể; {body} do "
                f"{head} ký trực tiếp", "Bỏ 'authority' (cấp phó ghi 'KT.')")
        elif kind == "deputy":
            bad("authority", f"{position} không ký 'TM.' mà ký thay {head}",
                f"Ghi 'authority: KT.' (chữ ký: TM. {body.upper()} / KT. {head.upper()} / "
                f"{position.upper()})")
        elif kind != "head":
            bad("authority", f"'TM. {body.upper()}' do {head} ký; chức vụ '{position}' không ký 'TM.'",
                f"Ghi 'position: {head}', hoặc 'authority: KT.' cho {deputy}")
    elif written == "KT.":
        if kind == "head":
            bad("authority", f"{head} không ký thay ('KT.') chính mình",
                f"Bỏ 'authority', hoặc ghi 'authority: TM.'; 'KT.' dành cho {deputy}")
        elif kind != "deputy":
            bad("position", f"'KT. {head.upper()}' là cấp phó ký thay {head}; chức vụ '{position}' "
                f"không phải {deputy} của {body}",
                f"Ghi 'position: {deputy}'; người của cơ quan khác ký thừa ủy quyền thì ghi 'authority: TUQ.'")
    elif written == "Q.":
        if kind not in ("acting", "head"):
            bad("position", f"'Q.' là quyền {head}; chức vụ '{position}' không phải quyền {head}",
                f"Ghi 'position: Quyền {head}', hoặc bỏ 'authority'")
    elif written in ("TL.", "TUQ."):
        if signer.position is None:
            bad("position", f"ký '{written}' cần chức vụ của người ký",
                "Ghi chức vụ của người ký, ví dụ 'position: Chánh Văn phòng'")
        elif kind in ("head", "deputy"):
            word = "thừa lệnh" if written == "TL." else "thừa ủy quyền"
            bad("authority", f"{position} không ký {word} ('{written}') {head}",
                "Bỏ 'authority' để ký theo chức vụ")
    elif written == IN_PERSON and kind != "head":
        bad("authority", f"chỉ {head} ký trực tiếp (không 'TM.'); '{position}' thì không",
            "Bỏ 'authority' để ký theo chức vụ")
    return out


def lines(spec: LevelSpec, signer: Signer) -> tuple[str, ...]:
    """The authority and position lines of the signature block, in capitals."""
    position = (signer.position or spec.head).strip()
    head = spec.head.upper()
    org = f"TM. {spec.body.upper()}"
    how = authority(spec, signer)
    if how == IN_PERSON:
        return (position.upper(),)
    if how == "TM.":
        return (org, position.upper())
    lead = (org,) if spec.collective else ()
    if how == "KT.":
        return (*lead, f"KT. {head}", position.upper())
    if how == "Q.":
        return (*lead, f"Q. {head}")
    if how in ("TL.", "TUQ."):
        return (f"{how} {head}", position.upper())
    return (*lead, position.upper())  # a position problems() reports; shown as written
