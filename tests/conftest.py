"""Shared fixtures: small inline YAML inputs, the bundled inputs, and docx helpers."""

from __future__ import annotations

import copy
import functools
import gc
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "data" / "seeds"

MINI_CITY = """\
plan:
  issuer: Ủy ban nhân dân thành phố Hải Phòng
  issuer_short: UBND thành phố
  province: Hải Phòng
  number: 159/KH-UBND
  date: 2026-05-02
  name: Triển khai Đề án “Thành phố thượng tôn”
roles:
  tu_phap:
    city: Sở Tư pháp
    unit: Văn phòng HĐND và UBND
    full: "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {{ cap }}"
  so_nganh: {city: "Các Sở, ban, ngành thành phố", unit: "Các phòng chuyên môn, đơn vị thuộc {{ cap }}"}
  ubnd_cap_xa: {city: Ủy ban nhân dân cấp xã, drop: true}
  cong_an: {city: Công an thành phố, unit: "Công an {{ cap }}"}
  thanh_tra: {city: Thanh tra thành phố, unit: [cong_an, so_nganh]}
  khu_dan_cu: {city: "thôn, tổ dân phố", xa: các thôn, phuong: các tổ dân phố, dac_khu: "các thôn, tổ dân phố"}
  mttq: {city: UBMTTQ Việt Nam, unit: Ủy ban MTTQ Việt Nam và các đoàn thể, outside: true}
  tgpl: {city: Trung tâm Trợ giúp pháp lý Nhà nước thành phố}
body:
  trich_yeu: "Triển khai thực hiện Đề án trên địa bàn {{ don_vi }}"
  can_cu:
    - "Thực hiện Kế hoạch số {{ kh_so }} ngày {{ kh_ngay }} của Ủy ban nhân dân thành phố Hải Phòng."
  sections:
    - heading: MỤC ĐÍCH, YÊU CẦU
      content:
        - heading: Mục đích
          content:
            - "- Xây dựng {{ don_vi }} văn minh."
            - {text: "- Dành cho phường.", levels: [phuong]}
    - heading: NHIỆM VỤ, GIẢI PHÁP
      content: [{tasks: true}]
    - heading: LỘ TRÌNH
      content:
        - {text: "{{ don_vi }} là đơn vị làm điểm.", pilot: true}
        - {text: "{{ don_vi }} không được lựa chọn làm điểm.", pilot: false}
    - heading: TỔ CHỨC THỰC HIỆN
      content:
        - roles:
            - {role: tu_phap, duties: ["- Tham mưu."]}
            - {role: cong_an, duties: ["- Bảo đảm an ninh."]}
            - {role: mttq, title: "Ủy ban Mặt trận Tổ quốc Việt Nam {{ cap }}", duties: ["- Vận động."]}
  closing: "Trên đây là Kế hoạch của {{ ubnd }}./."
appendix:
  groups:
    - id: A
      title: NHIỆM VỤ CHUNG
      tasks:
        - {id: A1, text: Chỉ đạo chung, lead: [so_nganh, ubnd_cap_xa], coop: [cong_an], deadline: Thường xuyên}
        - {id: A2, text: Kiểm tra, lead: [tu_phap], coop: [so_nganh, ubnd_cap_xa], deadline: Hàng năm}
    - id: B
      title: NHIỆM VỤ CỤ THỂ
      sections:
        - id: B-I
          task:
            id: B-I
            text: Ban hành Bộ tiêu chí “Thành phố thượng tôn”
            lead: [tu_phap]
            deadline: Trong quý II năm 2026
            unit:
              text: Ban hành Bộ tiêu chí “{{ Cap }} thượng tôn”
              deadline: Trong quý III năm 2026
        - id: B-II
          title: Thể chế trên địa bàn {{ cap }}
          tasks:
            - id: B01
              text: "Rà soát “năm tốt”[^ba_tot]"
              lead: [{role: tu_phap, note: Trung tâm Trợ giúp pháp lý Nhà nước thành phố}]
              coop: [so_nganh, mttq]
              outputs: [Quyết định, Báo cáo]
              deadline: Hàng quý
            - {id: B02, text: Thanh tra, lead: [thanh_tra], coop: [khu_dan_cu], deadline: Thường xuyên}
            - {id: B03, text: Chỉ ở phường, lead: [tu_phap], levels: [phuong], deadline: Hàng năm}
        - id: B-III
          title: Sơ kết, tổng kết
          show_count: false
          tasks:
            - {id: B04, text: Thí điểm ở 15 đơn vị, lead: [tu_phap], pilot_only: true, deadline: Năm 2026-2027}
            - {id: B05, text: Sơ kết, lead: [tu_phap], deadline: Năm 2028, phuong: {text: "Sơ kết (phường)"}}
  footnotes:
    ba_tot: "Mô hình ba tốt: Nội dung tốt, hình thức tốt, hiệu quả tốt."
noi_nhan:
  city: [Sở Tư pháp thành phố]
  unit: ["Thường trực Đảng ủy {{ cap }}", "Thường trực HĐND {{ cap }}", "Cổng thông tin điện tử {{ cap }}"]
"""

MINI_PROFILE = """\
level: xã
name: Tân An
date: 2026-05
signer:
  name: Phạm Minh Ngạn
  position: Phó Chủ tịch
  authority: KT.
"""


def pytest_configure(config: pytest.Config) -> None:
    """``-s`` shows what the tests print (figures for the README): the tests then run in this
    process, as with ``-n0``, since pytest-xdist's workers (``-n auto`` in setup.cfg) keep
    their output."""
    if config.getoption("capture") == "no" and getattr(config.option, "numprocesses", None):
        config.option.numprocesses = 0
        config.option.dist = "no"
        config.option.tx = []
    # The cyclic garbage collector, not the tests, took ~7 % of the run: python-docx, lxml and
    # pydantic make many small objects, and every 700 allocations Python walked the young ones
    # (and, now and then, the whole heap). A young generation 10 times larger collects the same
    # garbage ~10 times less often.
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


GC_YOUNG = 7000


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collecting made (the modules, their parameters, the libraries they import) lives
    until the end: frozen, a full collection no longer walks it."""
    gc.collect()
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    """pytest ends with five full collections (to report an exception raised in a __del__ of
    garbage): one here finds that garbage; what survives it is frozen, so those five no longer
    walk every object the tests left in caches."""
    gc.collect()
    gc.freeze()


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load(text)`` for a text many tests read (MINI_CITY, MINI_PROFILE): parsed
    once per process (the pure-Python loader takes ~20 ms for MINI_CITY), a deep copy for
    each call, so every caller has data of its own to change."""
    return copy.deepcopy(_parsed(text))


@functools.cache
def _parsed(text: str) -> Any:
    return yaml.safe_load(text)


def read_yaml(text: str | bytes) -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML has it (the same scanner in C under the
    same safe constructor and resolver: the same data, ~10x sooner), for the YAML the tests
    read back from the program (an imported template, 114 written profiles)."""
    from kehoach_gen.loading import SAFE_LOADER

    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use a cache folder of their own, never the user's (~/.cache/kehoach-gen)."""
    import os

    os.environ["KEHOACH_CACHE"] = str(tmp_path_factory.mktemp("kehoach-cache"))


@pytest.fixture
def mini_city_path(tmp_path: Path) -> Path:
    return write(tmp_path / "city.yaml", MINI_CITY)


@pytest.fixture
def mini_profile_path(tmp_path: Path) -> Path:
    return write(tmp_path / "profiles" / "tan_an.yaml", MINI_PROFILE)
