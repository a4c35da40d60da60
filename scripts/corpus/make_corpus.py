#!/usr/bin/python3
"""Writes the upload corpus (see scripts/make-corpus.sh) and manifest.json.

Every expected outcome is computed here from the data, independently of the
Go code under test: the roster summary from the staff table, the registry
rows from the enterprise table, and for plans the source text whose
character pairs the extracted text must recall.
"""
import csv, datetime, io, json, os, shutil, subprocess, sys, tempfile

OUT = sys.argv[1]

# Deterministic output where the producer allows: the ZIP entry times that
# openpyxl and python-docx write (zipfile stamps the current time) and the
# workbook's created/modified properties take SOURCE_DATE_EPOCH
# (make-corpus.sh fixes it). Producers run as programs (LibreOffice,
# Chromium, Ghostscript, qpdf) honour it or not on their own.
import time as _time, zipfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1582934400"))


class _FixedTime:
    @staticmethod
    def time():
        return float(EPOCH)

    @staticmethod
    def localtime(t=None):
        # Also for files added from disk (openpyxl writes sheets through
        # temporary files): their mtime is today.
        return _time.gmtime(EPOCH)


zipfile.time = _FixedTime
# img2pdf's internal engine with fixed dates writes the same bytes each run
# (its pikepdf engine draws a random /ID); Ghostscript without its info
# date, /ID and XMP; qpdf with --deterministic-id (not for encryption,
# whose keys are random by design).
IMG2PDF_FIXED = ["--engine", "internal", "--creationdate", "2020-02-29T00:00:00Z", "--moddate", "2020-02-29T00:00:00Z"]
GS_FIXED = ["-dOmitInfoDate", "-dOmitID", "-dOmitXMP"]
TMP = tempfile.mkdtemp(prefix="fugong-corpus-")
manifest = []
PLANNED = datetime.date(2020, 3, 2)  # the filing's planned resumption date in corpus_test.go


def run(*args, **kw):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, **kw)


def add(path, kind, producer, expect):
    e = {"file": path, "kind": kind, "producer": producer}
    e.update(expect)
    manifest.append(e)


# ---------------------------------------------------------------- identifiers

ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(birth, seq):
    body = "510107" + birth + "%03d" % seq
    s = sum(int(c) * w for c, w in zip(body, ID_W))
    return body + "10X98765432"[s % 11]


ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
OW = [3, 7, 9, 10, 5, 8, 4, 2]


def credit_code(n):
    digits = "%08d" % ((n * 7777777 + 12345678) % 100000000)
    s = sum(int(c) * w for c, w in zip(digits, OW))
    c9 = 11 - s % 11
    org = {10: "X", 11: "0"}.get(c9, str(c9))
    b = "91510109" + digits + org
    t = sum(ALPHA.index(c) * w for c, w in zip(b, CW))
    return b + ALPHA[(31 - t % 31) % 31]


# ---------------------------------------------------------------- roster data

D = datetime.date
STAFF = [
    # name, birth, temp, code, travel, return, quarantine end
    ("张伟", "19850312", 36.5, "绿码", "无", None, None),
    ("王芳", "19900521", 37.5, "绿码", "无", None, None),
    ("李娜", "19880704", 36.6, "黄码", "无", None, None),
    ("刘洋", "19791130", 36.4, "红码", "无", None, None),
    ("陈杰", "19920215", 36.7, "绿码", "湖北武汉", D(2020, 2, 20), D(2020, 3, 5)),
    ("杨静", "19950808", 36.5, "绿码", "湖北黄冈", D(2020, 2, 10), D(2020, 2, 24)),
    ("赵磊", "19870101", 38.1, "黄码", "广东深圳", D(2020, 2, 25), None),
    ("黄敏", "19930606", 36.3, "绿码", "孝感", D(2020, 2, 22), D(2020, 3, 1)),
    ("周强", "19820909", 36.8, "绿码", "无", None, None),
    ("吴婷", "19970419", 36.5, "绿码", "无", None, None),
    ("徐明", "19751225", 36.9, "绿码", "无", None, None),
    ("孙丽", "19990130", 36.2, "绿码", "无", None, None),
]
ROWS = []
for i, (name, birth, temp, code, travel, ret, qend) in enumerate(STAFF):
    ROWS.append(dict(name=name, id=id_number(birth, 11 + i * 7), phone="1380013%04d" % (8000 + i),
                     dept=["生产部", "行政部", "后勤部"][i % 3], temp=temp, code=code, travel=travel, ret=ret, qend=qend))
HUBEI = ["湖北", "武汉", "黄冈", "孝感"]


def summary(rows, with_health=True):
    start = PLANNED - datetime.timedelta(days=13)
    s = dict(rows=len(rows), fever=0, health_code_red=0, health_code_yellow=0, hubei_14d=0, in_quarantine=0)
    if not with_health:
        return s
    for r in rows:
        s["fever"] += r["temp"] >= 37.3
        s["health_code_red"] += r["code"] == "红码"
        s["health_code_yellow"] += r["code"] == "黄码"
        if r["ret"] and r["ret"] >= start and any(p in r["travel"] for p in HUBEI):
            s["hubei_14d"] += 1
            s["in_quarantine"] += bool(r["qend"] and r["qend"] > PLANNED)
    return {k: int(v) for k, v in s.items()}


SUMMARY = summary(ROWS)
HEAD = ["姓名", "身份证号", "手机号", "部门", "体温", "健康码", "近14日旅居史", "返回日期", "隔离结束日期"]


def iso(d):
    return d.isoformat() if d else ""


def plain_values(r, date=iso, idv=None):
    return [r["name"], idv(r) if idv else r["id"], r["phone"], r["dept"], r["temp"], r["code"], r["travel"],
            date(r["ret"]), date(r["qend"])]


def write_csv(path, header, rows, encoding="utf-8", delimiter=",", bom=False):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    data = buf.getvalue()
    with open(path, "wb") as f:
        if bom and encoding == "utf-8":
            f.write(b"\xef\xbb\xbf")
        f.write(data.encode(encoding))


ok_roster = lambda extra=None: dict(status=201, summary=dict(SUMMARY, **(extra or {})))

# 1. openpyxl, plain.
import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.properties import CalcProperties

_wb_save = openpyxl.Workbook.save


def _fixed_save(self, filename):
    self.properties.created = self.properties.modified = datetime.datetime.utcfromtimestamp(EPOCH)
    return _wb_save(self, filename)


openpyxl.Workbook.save = _fixed_save


def wb_save(wb, rel):
    wb.save(os.path.join(OUT, rel))


wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Sheet1"
ws.append(HEAD)
for r in ROWS:
    ws.append(plain_values(r))
wb_save(wb, "roster/openpyxl-plain.xlsx")
add("roster/openpyxl-plain.xlsx", "roster", "openpyxl", ok_roster())

# 2. openpyxl, a government template: merged title, unit/date line, 序号,
# other headers, real date cells, totals row and signature footer.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "员工健康台账"
ws.append(["某某科技有限公司复工员工健康情况登记表"])
ws.merge_cells("A1:J1")
ws["A1"].font = Font(bold=True, size=16)
ws["A1"].alignment = Alignment(horizontal="center")
ws.append(["填报单位（盖章）：某某科技有限公司", None, None, None, None, None, None, "填报日期：2020年2月28日"])
ws.append([])
ws.append(["序号", "员工姓名", "证件号码", "联系电话", "所在部门", "今日体温", "健康码颜色", "近14天旅居史", "返岗日期", "隔离截止日期"])
for i, r in enumerate(ROWS):
    ws.append([i + 1, r["name"], r["id"], r["phone"], r["dept"], r["temp"], r["code"].rstrip("码") + "色", r["travel"], r["ret"], r["qend"]])
ws.append(["合计", "%d人" % len(ROWS)])
ws.append(["填表人：王经理", None, None, "审核人：李主任", None, None, "联系电话：028-85551234"])
wb_save(wb, "roster/openpyxl-gov-template.xlsx")
add("roster/openpyxl-gov-template.xlsx", "roster", "openpyxl", dict(ok_roster(), header_row=4, ignored=["序号"], skipped=2))

# 3. openpyxl: instructions sheet first, a hidden drop-down sheet, the
# table on the third sheet; headers with spaces, U+3000, *, （必填） and
# full-width digits.
wb = openpyxl.Workbook()
ws0 = wb.active
ws0.title = "下拉选项"
for v in ["绿码", "黄码", "红码"]:
    ws0.append([v])
ws0.sheet_state = "hidden"
ws1 = wb.create_sheet("填表说明")
ws1.append(["填表说明：1. 姓名、身份证号为必填项；2. 体温填写当日测量值；3. 健康码填绿码/黄码/红码。"])
ws2 = wb.create_sheet("台账")
ws2.append(["姓 名", "*身份证号（必填）", "手　机　号", "部门", "体温(℃)", "健康码状态", "１４天内旅居史", "返回日期", "隔离结束日期"])
for r in ROWS:
    ws2.append(plain_values(r))
wb.active = 2
wb_save(wb, "roster/openpyxl-third-sheet.xlsx")
add("roster/openpyxl-third-sheet.xlsx", "roster", "openpyxl", dict(ok_roster(), sheet="台账"))

# 4. openpyxl: the 1904 date system (dates as real date cells), and ID
# numbers as Python ints, which openpyxl writes as floats with 16
# significant digits: refused with cause and fix.
wb = openpyxl.Workbook()
wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
ws = wb.active
ws.append(HEAD)
for r in ROWS:
    ws.append(plain_values(r, date=lambda d: d))
wb_save(wb, "roster/openpyxl-1904-dates.xlsx")
add("roster/openpyxl-1904-dates.xlsx", "roster", "openpyxl", ok_roster())
wb = openpyxl.Workbook()
ws = wb.active
ws.append(HEAD)
for r in ROWS:
    ws.append(plain_values(r, idv=lambda r: int(r["id"]) if r["id"][-1] != "X" else r["id"]))
wb_save(wb, "roster/openpyxl-int-ids.xlsx")
add("roster/openpyxl-int-ids.xlsx", "roster", "openpyxl", dict(status=422, detail_contains="文本"))

# 5. openpyxl: ID numbers as floats (what a paste into a General column
# keeps): digits lost, refused with cause and fix.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(HEAD)
for r in ROWS:
    ws.append(plain_values(r, idv=lambda r: float(r["id"].replace("X", "0"))))
wb_save(wb, "roster/openpyxl-float-ids.xlsx")
add("roster/openpyxl-float-ids.xlsx", "roster", "openpyxl", dict(status=422, detail_contains="文本", details_min=len(ROWS),
                                                               message_contains="工作表“Sheet”"))

# 6. No health columns at all: accepted, the summary says unknown.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["姓名", "身份证号", "手机号", "部门", "岗位"])
for r in ROWS:
    ws.append([r["name"], r["id"], r["phone"], r["dept"], "操作工"])
wb_save(wb, "roster/openpyxl-no-health.xlsx")
add("roster/openpyxl-no-health.xlsx", "roster", "openpyxl",
    dict(status=201, summary=dict(summary(ROWS, False), unknown=["temperature", "health_code", "travel_14d"]), ignored=["岗位"],
         flags=["roster_temperature_unknown", "roster_health_code_unknown", "roster_travel_unknown"]))

# CSV forms (what Excel "CSV", "CSV UTF-8", "Unicode text" and Notepad write).
plain = [plain_values(r) for r in ROWS]
write_csv(os.path.join(OUT, "roster/excel-csv-gbk.csv"), HEAD, plain, encoding="gbk")
add("roster/excel-csv-gbk.csv", "roster", "Excel CSV (GBK)", ok_roster())
write_csv(os.path.join(OUT, "roster/excel-csv-utf8-bom.csv"), HEAD, plain, bom=True)
add("roster/excel-csv-utf8-bom.csv", "roster", "Excel CSV UTF-8", ok_roster())
write_csv(os.path.join(OUT, "roster/notepad-tabs.txt"), HEAD, plain, delimiter="\t")
add("roster/notepad-tabs.txt", "roster", "tab-separated text", ok_roster())
write_csv(os.path.join(OUT, "roster/excel-unicode-text.txt"), HEAD, plain, encoding="utf-16", delimiter="\t")
add("roster/excel-unicode-text.txt", "roster", "Excel Unicode text (UTF-16LE, tabs)", ok_roster())

# Values as clerks write them.
def cn(d):
    return "%d年%d月%d日" % (d.year, d.month, d.day) if d else ""


forms = []
for i, r in enumerate(ROWS):
    v = plain_values(r, date=[cn, lambda d: "%d.%d.%d" % (d.year, d.month, d.day) if d else "", lambda d: "%d月%d日" % (d.month, d.day) if d else ""][i % 3])
    v[4] = "%.1f℃" % r["temp"] if i % 2 else "%.1f" % r["temp"]
    v[5] = {"绿码": ["绿码", "绿", "绿色"], "黄码": ["黄码", "黄", "黄色"], "红码": ["红码", "红", "红色"]}[r["code"]][i % 3]
    v[1] = [r["id"], "'" + r["id"], r["id"][:6] + " " + r["id"][6:14] + " " + r["id"][14:]][i % 3]
    forms.append(v)
write_csv(os.path.join(OUT, "roster/value-forms.csv"), HEAD, forms)
add("roster/value-forms.csv", "roster", "hand-typed values", ok_roster())

# Excel's 15 significant digits: the last three digits of every ID are 000.
zeros = [plain_values(r, idv=lambda r: r["id"][:15] + "000") for r in ROWS]
write_csv(os.path.join(OUT, "roster/excel-15-digits.csv"), HEAD, zeros)
add("roster/excel-15-digits.csv", "roster", "Excel CSV of a numeric ID column", dict(status=422, detail_contains="000", details_min=len(ROWS)))
sci = [plain_values(r, idv=lambda r: "%.5E" % float(r["id"].replace("X", "0"))) for r in ROWS]
write_csv(os.path.join(OUT, "roster/excel-scientific.csv"), HEAD, sci)
add("roster/excel-scientific.csv", "roster", "Excel CSV, scientific notation", dict(status=422, detail_contains="文本", details_min=len(ROWS)))

# LibreOffice Calc: the CSV imported with the ID column as text (good),
# and as General (IDs become numbers), saved as XLSX; also .xls and .ods.
src = os.path.join(TMP, "roster.csv")
write_csv(src, HEAD, plain)


def soffice_convert(src, fmt, outdir, infilter=None):
    """Converts src with LibreOffice (headless) into outdir."""
    args = ["soffice", "--headless", "--norestore"]
    if infilter:
        args.append("--infilter=" + infilter)
    args += ["--convert-to", fmt, "--outdir", outdir, src]
    run(*args)


text_ids = "CSV:44,34,76,1,1/1/2/2/3/1/4/1/5/1/6/1/7/1/8/1/9/1"  # column 2 as text, UTF-8
general = "CSV:44,34,76,1"
for name, filt, expect in [("lo-calc-text-ids", text_ids, ok_roster()),
                           ("lo-calc-general-ids", general, dict(status=422, detail_contains="文本"))]:
    d = os.path.join(TMP, name)
    os.makedirs(d)
    soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", d, filt)
    shutil.copy(os.path.join(d, "roster.xlsx"), os.path.join(OUT, "roster", name + ".xlsx"))
    add("roster/%s.xlsx" % name, "roster", "LibreOffice Calc 7.4", expect)
d = os.path.join(TMP, "legacy")
os.makedirs(d)
soffice_convert(src, "xls:MS Excel 97", d, text_ids)
shutil.copy(os.path.join(d, "roster.xls"), os.path.join(OUT, "roster/lo-calc-legacy.xls"))
add("roster/lo-calc-legacy.xls", "roster", "LibreOffice Calc 7.4 (Excel 97)", dict(status=415, message_contains="XLSX"))
soffice_convert(src, "ods", d, text_ids)
shutil.copy(os.path.join(d, "roster.ods"), os.path.join(OUT, "roster/lo-calc.ods"))
add("roster/lo-calc.ods", "roster", "LibreOffice Calc 7.4 (ODS)", dict(status=415, message_contains="XLSX"))

# ---------------------------------------------------------------- registry

ENTS = [
    (credit_code(1001), "成都新材料有限公司", "工业", True, False, "南区", "桂溪街道", True),
    (credit_code(1002), "天府物业服务有限公司", "服务业", False, True, "", "guixi", False),
    (credit_code(1003), "空港新城项目工地", "建筑工地", False, False, "东区", "福田街道", True),
    (credit_code(1004), "西园商贸有限公司", "服务业", False, False, "西区", "西园街道", False),
]
REG_HEAD = ["统一社会信用代码", "企业名称", "行业", "规上", "房地产", "片区", "街道", "纳入监管"]
yes = lambda b: "是" if b else "否"
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "企业名录"
ws.append(["高新区复工复产企业名录（2020年2月）"])
ws.merge_cells("A1:I1")
ws.append(["单位：家"])
ws.append(["序号", "*统一社会信用代码", "企业名称", "所属行业", "是否规上", "是否房地产", "所属片区", "所属街道", "是否纳入监管"])
for i, e in enumerate(ENTS):
    ws.append([i + 1, e[0], e[1], e[2], "√" if e[3] else "×", "√" if e[4] else "×", e[5], e[6], "√" if e[7] else "×"])
ws.append(["合计", "4家"])
ws.append(["填表人：张三", None, None, "审核人：李四"])
wb_save(wb, "registry/openpyxl-gov-template.xlsx")
REG_EXPECT = dict(status=200, created=4, flags_by_code={e[0]: dict(above_scale=e[3], real_estate=e[4], supervised=e[7]) for e in ENTS})
add("registry/openpyxl-gov-template.xlsx", "registry", "openpyxl", dict(REG_EXPECT, ignored=["序号"], skipped=2))
write_csv(os.path.join(OUT, "registry/excel-csv-gbk.csv"), ["统一社会信用代码", "企业名称", "行业", "是否规上", "是否房地产", "片区", "街道", "是否纳入监管"],
          [[e[0], e[1], e[2], yes(e[3]), yes(e[4]), e[5], e[6], yes(e[7])] for e in ENTS], encoding="gbk")
add("registry/excel-csv-gbk.csv", "registry", "Excel CSV (GBK)", REG_EXPECT)
rsrc = os.path.join(TMP, "registry.csv")
write_csv(rsrc, REG_HEAD, [[e[0], e[1], e[2], yes(e[3]), yes(e[4]), e[5], e[6], yes(e[7])] for e in ENTS])
d = os.path.join(TMP, "reg")
os.makedirs(d)
soffice_convert(rsrc, "xlsx:Calc MS Excel 2007 XML", d, "CSV:44,34,76,1,1/2")
shutil.copy(os.path.join(d, "registry.xlsx"), os.path.join(OUT, "registry/lo-calc.xlsx"))
add("registry/lo-calc.xlsx", "registry", "LibreOffice Calc 7.4", REG_EXPECT)

# ---------------------------------------------------------------- plans

PLAN = [
    "某某科技有限公司复工复产疫情防控方案",
    "一、组织领导",
    "成立疫情防控领导小组，总经理任组长，各部门负责人为本部门防控第一责任人，明确专人负责信息报送。",
    "二、人员排查",
    "复工前对全体员工逐一摸排，建立员工健康台账，掌握近十四天旅居史。每日上下班两次测温并登记，体温异常者不得进入厂区。",
    "三、消毒通风",
    "办公区、车间、食堂、电梯每日消毒两次，公共区域保持通风，消毒情况专人记录备查。",
    "四、应急处置",
    "设置临时隔离室，发现发热或咳嗽员工立即隔离，联系社区卫生服务中心送诊，并在两小时内上报街道。",
    "五、物资保障",
    "储备口罩、体温计、消毒液、防护手套等防疫物资，满足十四天使用，由行政部专人发放登记。",
]
PLAN_TEXT = "\n".join(PLAN)
with open(os.path.join(OUT, "plan/source.txt"), "w", encoding="utf-8") as f:
    f.write(PLAN_TEXT + "\n")
# A plan read well raises none of the plan flags at submit (a keyword lost to
# garbled glyphs or a line wrap would raise a false plan_lacks_*).
PLAN_FLAGS = ["plan_missing", "plan_text_unreadable", "plan_lacks_organization", "plan_lacks_screening",
              "plan_lacks_disinfection", "plan_lacks_emergency", "plan_lacks_supplies"]
text_ok = lambda recall=0.95, **kw: dict(status=201, recall=recall, not_flags=PLAN_FLAGS, **kw)
add("plan/source.txt", "plan", "UTF-8 text", text_ok())
with open(os.path.join(OUT, "plan/notepad-gbk.txt"), "wb") as f:
    f.write(PLAN_TEXT.replace("\n", "\r\n").encode("gbk"))
add("plan/notepad-gbk.txt", "plan", "Notepad ANSI (GBK)", text_ok())
with open(os.path.join(OUT, "plan/notepad-unicode.txt"), "wb") as f:
    f.write(PLAN_TEXT.replace("\n", "\r\n").encode("utf-16"))  # LE with BOM
add("plan/notepad-unicode.txt", "plan", "Notepad Unicode (UTF-16LE)", text_ok())
with open(os.path.join(OUT, "plan/notepad-unicode-be.txt"), "wb") as f:
    f.write(b"\xfe\xff" + PLAN_TEXT.replace("\n", "\r\n").encode("utf-16-be"))
add("plan/notepad-unicode-be.txt", "plan", "Notepad Unicode big endian", text_ok())
table = "物资\t数量\t责任人\n口罩\t2000只\t行政部\n体温计\t10支\t行政部\n消毒液\t50升\t后勤部\n"
with open(os.path.join(OUT, "plan/tab-table.txt"), "w", encoding="utf-8") as f:
    f.write(table)
add("plan/tab-table.txt", "plan", "a table pasted with tabs", dict(status=201, contains=["口罩", "消毒液"]))

# python-docx: headings, automatic numbering, header and footer.
import docx
from docx.shared import Pt

doc = docx.Document()
doc.sections[0].header.paragraphs[0].text = "某某科技有限公司（内部资料）"
doc.sections[0].footer.paragraphs[0].text = "联系人：王经理 028-85551234"
doc.add_heading(PLAN[0], level=1)
for line in PLAN[1:]:
    if line[1] == "、":
        doc.add_paragraph(line[2:], style="List Number")
    else:
        doc.add_paragraph(line)
doc.save(os.path.join(OUT, "plan/python-docx.docx"))
plan_no_markers = "\n".join(l[2:] if l[1] == "、" else l for l in PLAN)
add("plan/python-docx.docx", "plan", "python-docx", dict(status=201, recall=0.95, source="numbered",
                                                          contains=["【页眉】某某科技有限公司", "【页脚】联系人", "1. 组织领导"]))

# LibreOffice Writer from HTML: ODT, DOCX, PDF, and legacy DOC.
html = "<html><head><meta charset='utf-8'><style>body{font-family:'Noto Sans CJK SC'}</style></head><body>" + \
    "".join(("<h1>%s</h1>" if i == 0 else "<h2>%s</h2>" if l[1] == "、" else "<p>%s</p>") % l for i, l in enumerate(PLAN)) + "</body></html>"
hsrc = os.path.join(TMP, "plan.html")
with open(hsrc, "w", encoding="utf-8") as f:
    f.write(html)
d = os.path.join(TMP, "writer")
os.makedirs(d)
for fmt, ext in [("odt:writer8", "odt"), ("docx:MS Word 2007 XML", "docx"), ("pdf:writer_pdf_Export", "pdf"), ("doc:MS Word 97", "doc")]:
    soffice_convert(hsrc, fmt, d, "HTML (StarWriter)")
    shutil.copy(os.path.join(d, "plan." + ext), os.path.join(OUT, "plan/lo-writer." + ext))
add("plan/lo-writer.odt", "plan", "LibreOffice Writer 7.4 (ODT)", text_ok())
add("plan/lo-writer.docx", "plan", "LibreOffice Writer 7.4 (DOCX)", text_ok())
add("plan/lo-writer.pdf", "plan", "LibreOffice Writer 7.4 (PDF)", text_ok())
add("plan/lo-writer.doc", "plan", "LibreOffice Writer 7.4 (Word 97)", dict(status=415, message_contains="DOCX"))

# LibreOffice DOCX with a text box: Writer writes the box twice, as a
# DrawingML shape (mc:Choice, wps:txbx) and its VML fallback (v:textbox).
tb = os.path.join(TMP, "textbox")
os.makedirs(tb)
with open(os.path.join(tb, "textbox.fodt"), "w", encoding="utf-8") as f:
    f.write('''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body>
  <office:text>
   <text:p>复工复产疫情防控方案</text:p>
   <text:p><draw:frame draw:name="框1" text:anchor-type="paragraph" svg:width="8cm" svg:height="2cm" draw:z-index="0"><draw:text-box><text:p>应急联系人：王经理</text:p></draw:text-box></draw:frame>一、组织领导：成立防控领导小组。</text:p>
  </office:text>
 </office:body>
</office:document>
''')
soffice_convert(os.path.join(tb, "textbox.fodt"), "docx", tb)
shutil.copy(os.path.join(tb, "textbox.docx"), os.path.join(OUT, "plan/lo-writer-textbox.docx"))
add("plan/lo-writer-textbox.docx", "plan", "LibreOffice Writer 7.4 (DOCX with a text box)",
    dict(status=201, contains=["应急联系人", "王经理", "成立防控领导小组"], once=["应急联系人"]))

# reportlab: the built-in CID font (STSong-Light, UniGB-UCS2-H) and an
# embedded TrueType subset.
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))


def wrap(line, n=30):
    return [line[i:i + n] for i in range(0, len(line), n)] or [""]


for font, name in [("STSong-Light", "reportlab-cid"), ("WQY", "reportlab-ttf")]:
    c = canvas.Canvas(os.path.join(OUT, "plan/%s.pdf" % name), pagesize=A4)
    y = 800
    for line in PLAN:
        for part in wrap(line):
            c.setFont(font, 12)
            c.drawString(50, y, part)
            y -= 18
    c.save()
    add("plan/%s.pdf" % name, "plan", "reportlab " + ("CID font" if font != "WQY" else "TrueType subset"), text_ok(0.97))

# Chromium print-to-PDF with Noto Sans CJK (the radicals case).
cdir = os.path.join(TMP, "chromium")
os.makedirs(cdir)
run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + cdir, "--no-pdf-header-footer",
    "--print-to-pdf=" + os.path.join(OUT, "plan/chromium.pdf"), "file://" + hsrc)
add("plan/chromium.pdf", "plan", "Chromium print-to-PDF (Noto Sans CJK)", text_ok())

# qpdf: "protect from editing" (empty user password) with each handler,
# and one that needs a password to open.
base = os.path.join(OUT, "plan/lo-writer.pdf")
for name, args in [("rc4-40", ["40", "--allow-weak-crypto"]), ("rc4-128", ["128", "--use-aes=n", "--allow-weak-crypto"]),
                   ("aes-128", ["128", "--use-aes=y"]), ("aes-256", ["256"]),
                   # R=5 (the deprecated Adobe AES-256 extension) and RC4 under a
                   # V=4 crypt filter: the other handlers deliver 5 names.
                   ("aes-256-r5", ["256", "--force-R5"]), ("rc4-128-v4", ["128", "--use-aes=n", "--force-V4", "--allow-weak-crypto"])]:
    bits = args[0]
    extra = args[1:]
    out = os.path.join(OUT, "plan/qpdf-%s.pdf" % name)
    cmd = ["qpdf"] + [a for a in extra if a == "--allow-weak-crypto"] + ["--encrypt", "", "owner-secret", bits] + \
        [a for a in extra if a != "--allow-weak-crypto"] + ["--", base, out]
    run(*cmd)
    add("plan/qpdf-%s.pdf" % name, "plan", "qpdf %s, empty user password" % name, text_ok())
run("qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", base, os.path.join(OUT, "plan/qpdf-user-password.pdf"))
add("plan/qpdf-user-password.pdf", "plan", "qpdf AES-256 with a user password", dict(status=201, note_contains="密码"))
run("qpdf", "--object-streams=generate", "--encrypt", "", "owner-secret", "256", "--", os.path.join(OUT, "plan/reportlab-ttf.pdf"),
    os.path.join(OUT, "plan/qpdf-objstm-aes-256.pdf"))
add("plan/qpdf-objstm-aes-256.pdf", "plan", "qpdf AES-256 with object streams", text_ok(0.97))

# Ghostscript: re-distilled (pdfwrite), and a scan (rendered to an image,
# wrapped by img2pdf).
run("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", *GS_FIXED, "-sOutputFile=" + os.path.join(OUT, "plan/gs-pdfwrite.pdf"), base)
add("plan/gs-pdfwrite.pdf", "plan", "Ghostscript pdfwrite", text_ok())
png = os.path.join(TMP, "scan.png")
run("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r60", "-dFirstPage=1", "-dLastPage=1", "-sOutputFile=" + png, base)
run("img2pdf", *IMG2PDF_FIXED, "-o", os.path.join(OUT, "plan/scan-img2pdf.pdf"), png)
add("plan/scan-img2pdf.pdf", "plan", "img2pdf of a page image (a scan)",
    dict(status=201, note_contains="扫描件", empty_text=True, flags=["plan_text_unreadable"], not_flags=["plan_missing"]))

# A PDF that runs JavaScript when opened (issue 18 #15): accepted, flagged.
objs = [
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
    None,
    b"<< /S /JavaScript /JS (app.alert\\('hello'\\);) >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
]
content = b"BT /F1 12 Tf 50 800 Td (Resumption plan: prevention team, screening, disinfection.) Tj ET"
objs[3] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
pdf = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs):
    offs.append(len(pdf))
    pdf += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
with open(os.path.join(OUT, "plan/openaction-javascript.pdf"), "wb") as f:
    f.write(pdf)
add("plan/openaction-javascript.pdf", "plan", "hand-written PDF with /OpenAction JavaScript",
    dict(status=201, note_contains="JavaScript", contains=["prevention team"]))

# Everyday variety (second session): everyday.py adds what a Chinese office
# produces every day with the same producers.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import everyday

everyday.make(globals())

# pandoc + WeasyPrint from Markdown, Noto CJK fonts (pandoc_weasyprint.py).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pandoc_weasyprint

pandoc_weasyprint.make(OUT, PLAN, add, text_ok)

with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
    json.dump({"planned_resume_date": PLANNED.isoformat(), "plan_source": PLAN_TEXT, "plan_source_numbered": plan_no_markers,
               "files": manifest}, f, ensure_ascii=False, indent=1)
shutil.rmtree(TMP, ignore_errors=True)
print("%d files" % len(manifest))
