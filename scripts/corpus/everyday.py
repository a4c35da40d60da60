"""The everyday part of the corpus: rosters, registries and plans as a
Chinese office makes them every day with LibreOffice Calc/Writer, openpyxl,
python-docx, reportlab, pandoc, Chromium, Ghostscript, qpdf, img2pdf and
Notepad. Called by make_corpus.py with its globals (the staff and enterprise
tables, the plan, `add`, `summary`, the writers); every expected outcome is
computed here from the data, never from the Go code under test.
"""
import datetime, os, shutil, subprocess, tempfile

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation





def make(g):
    rosters(g)
    registries(g)
    plans(g)


# ---------------------------------------------------------------- helpers


def lo(g, src, fmt, infilter=None):
    """Converts src with LibreOffice into a fresh directory; returns the file."""
    d = tempfile.mkdtemp(dir=g["TMP"])
    g["soffice_convert"](src, fmt, d, infilter)
    base = os.path.splitext(os.path.basename(src))[0]
    outs = [f for f in os.listdir(d) if f.startswith(base + ".")]
    if len(outs) != 1:
        raise RuntimeError("LibreOffice made %r from %s" % (outs, src))
    return os.path.join(d, outs[0])


def put(g, path, rel):
    shutil.copy(path, os.path.join(g["OUT"], rel))


def tmp_path(g, name):
    return os.path.join(tempfile.mkdtemp(dir=g["TMP"]), name)


def write_flat(g, name, doc):
    """Writes a flat OpenDocument (FODS/FODT) for LibreOffice to convert and
    returns its path."""
    path = tmp_path(g, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)
    return path


def resave(g, wb, rel, name="roster"):
    """Saves an openpyxl workbook and has LibreOffice Calc re-save it as XLSX
    (what a clerk does: open the template, fill it in, save): the file is
    written by Calc (its shared strings, styles, cached formula values)."""
    src = tmp_path(g, name + ".xlsx")
    wb.save(src)
    put(g, lo(g, src, "xlsx:Calc MS Excel 2007 XML"), rel)


def calc_csv(g, xlsx, rel, sep, enc, infilter=None):
    """Calc's "Text CSV" export of the first sheet: field separator, charset
    (76 UTF-8, 85 GB18030, 65535 "Unicode" = UTF-16LE with BOM)."""
    put(g, lo(g, xlsx, "csv:Text - txt - csv (StarCalc):%d,34,%d,1" % (sep, enc), infilter), rel)


# ---------------------------------------------------------------- rosters


def rosters(g):
    add, ROWS, HEAD, SUMMARY = g["add"], g["ROWS"], g["HEAD"], g["SUMMARY"]
    ok = g["ok_roster"]
    plain_values, write_csv, OUT = g["plain_values"], g["write_csv"], g["OUT"]
    calc = "LibreOffice Calc 7.4"
    text = lambda c: setattr(c, "number_format", "@")

    def table(ws, header, rows, id_col=2):
        ws.append(header)
        for r in rows:
            ws.append(r)
        for row in ws.iter_rows(min_row=ws.max_row - len(rows) + 1, min_col=id_col, max_col=id_col):
            for c in row:
                text(c)

    # Calc re-saves of the openpyxl layouts (title merged over the columns,
    # unit line, date cells, totals and footer; hidden sheets; 1904 dates).
    d = tmp_path(g, "x")
    for rel, expect in [("roster/openpyxl-gov-template.xlsx", dict(ok(), header_row=4, ignored=["序号"], skipped=2)),
                        ("roster/openpyxl-third-sheet.xlsx", dict(ok(), sheet="台账")),
                        ("roster/openpyxl-1904-dates.xlsx", ok())]:
        src = os.path.join(os.path.dirname(d), os.path.basename(rel))
        shutil.copy(os.path.join(OUT, rel), src)
        name = rel.replace("openpyxl-", "lo-calc-resaved-")
        put(g, lo(g, src, "xlsx:Calc MS Excel 2007 XML"), name)
        add(name, "roster", calc + " (re-saved an openpyxl file)", expect)

    # Frozen header, autofilter, a hidden column, column widths.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    table(ws, ["工号"] + HEAD[:4] + ["内部编号"] + HEAD[4:], [["A%03d" % i] + plain_values(r)[:4] + ["N-%d" % i] + plain_values(r)[4:]
                                                          for i, r in enumerate(ROWS)], id_col=3)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = "A1:K%d" % (len(ROWS) + 1)
    ws.column_dimensions["F"].hidden = True
    ws.column_dimensions["C"].width = 22
    resave(g, wb, "roster/lo-calc-frozen-hidden.xlsx")
    add("roster/lo-calc-frozen-hidden.xlsx", "roster", calc, dict(ok(), ignored=["工号", "内部编号"]))

    # Date cells in the forms Calc offers: 2020年2月20日, 2020/2/20 and a
    # date with a time of day (a serial with a fraction).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for i, r in enumerate(ROWS):
        v = plain_values(r, date=lambda d: d)
        if r["ret"] and i % 2:
            v[7] = datetime.datetime.combine(r["ret"], datetime.time(8, 30))
        ws.append(v)
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
        for j, c in enumerate(row):
            c.number_format = ['yyyy"年"m"月"d"日"', "yyyy/m/d", "yyyy-mm-dd hh:mm"][(c.row + j) % 3]
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        text(row[0])
    resave(g, wb, "roster/lo-calc-date-formats.xlsx")
    add("roster/lo-calc-date-formats.xlsx", "roster", calc + " (date cells in three formats, one with a time)", ok())

    # ID numbers Excel/Calc made numbers: scientific format, and the 000 that
    # typing 18 digits into a General cell leaves.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in ROWS:
        ws.append(plain_values(r, idv=lambda r: float(r["id"].replace("X", "0"))))
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "0.00E+00"
    resave(g, wb, "roster/lo-calc-scientific-ids.xlsx")
    add("roster/lo-calc-scientific-ids.xlsx", "roster", calc + " (ID column formatted 0.00E+00)",
        dict(status=422, detail_contains="文本", details_min=len(ROWS)))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in ROWS:
        ws.append(plain_values(r, idv=lambda r: int(r["id"][:15] + "000")))
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "0"
    resave(g, wb, "roster/lo-calc-truncated-ids.xlsx")
    add("roster/lo-calc-truncated-ids.xlsx", "roster", calc + " (18 digits typed into a number cell)",
        dict(status=422, detail_contains="文本"))

    # Formulas with values Calc caches: 序号 =ROW()-1, the ID as ="…"&"",
    # the temperature as a sum, and a 合计 row counting the names.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号"] + HEAD)
    for i, r in enumerate(ROWS):
        v = plain_values(r)
        v[1] = '="%s"&""' % r["id"]
        v[4] = "=%.1f+0" % r["temp"]
        ws.append(["=ROW()-1"] + v)
    n = len(ROWS) + 1
    ws.append(["合计", '=COUNTA(B2:B%d)&"人"' % n])
    resave(g, wb, "roster/lo-calc-formulas.xlsx")
    add("roster/lo-calc-formulas.xlsx", "roster", calc + " (formulas, cached values)", dict(ok(), ignored=["序号"], skipped=1))

    # A drop-down (data validation) on the health code and a 字典 sheet after
    # the table.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "员工名单"
    table(ws, HEAD, [plain_values(r) for r in ROWS])
    dv = DataValidation(type="list", formula1="字典!$A$1:$A$3", allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("F2:F500")
    dv2 = DataValidation(type="decimal", operator="between", formula1="34", formula2="43")
    ws.add_data_validation(dv2)
    dv2.add("E2:E500")
    dic = wb.create_sheet("字典")
    for v in ["绿码", "黄码", "红码"]:
        dic.append([v])
    wb.save(os.path.join(OUT, "roster/openpyxl-validation.xlsx"))
    add("roster/openpyxl-validation.xlsx", "roster", "openpyxl (data validation, list on a second sheet)", dict(ok(), sheet="员工名单"))
    resave(g, wb, "roster/lo-calc-validation.xlsx")
    add("roster/lo-calc-validation.xlsx", "roster", calc + " (data validation)", dict(ok(), sheet="员工名单"))

    # A very wide personnel sheet: the fields among 40 other columns.
    extra = ["工号", "性别", "民族", "籍贯", "出生日期", "学历", "政治面貌", "婚姻状况", "入职日期", "岗位", "职务", "职称",
             "用工形式", "合同期限", "社保账号", "银行卡号", "开户行", "现住址", "户籍地址", "紧急联系人", "紧急联系电话",
             "车牌号", "通勤方式", "是否住宿", "宿舍号", "家庭成员数", "同住人员", "疫苗接种", "接种日期", "核酸结果",
             "核酸日期", "口罩领取", "培训情况", "承诺书", "签字", "备注", "备注2", "审核意见", "录入人", "录入时间"]
    head = extra[:2] + HEAD[:2] + extra[2:15] + HEAD[2:6] + extra[15:30] + HEAD[6:] + extra[30:]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head)
    for i, r in enumerate(ROWS):
        vals = dict(zip(HEAD, plain_values(r)))
        ws.append([vals[h] if h in vals else "%s%d" % (h[:1], i) for h in head])
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        text(row[0])
    wb.save(os.path.join(OUT, "roster/openpyxl-wide.xlsx"))
    add("roster/openpyxl-wide.xlsx", "roster", "openpyxl (49 columns)", dict(ok(), ignored=extra))
    resave(g, wb, "roster/lo-calc-wide.xlsx")
    add("roster/lo-calc-wide.xlsx", "roster", calc + " (49 columns)", dict(ok(), ignored=extra))

    # Borders drawn far past the data (styled empty cells), blank rows at
    # the end: what a template printed with a fixed grid leaves.
    wb = openpyxl.Workbook()
    ws = wb.active
    table(ws, HEAD, [plain_values(r) for r in ROWS])
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=1, max_row=60, min_col=1, max_col=14):
        for c in row:
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb.save(os.path.join(OUT, "roster/openpyxl-styled-blank.xlsx"))
    add("roster/openpyxl-styled-blank.xlsx", "roster", "openpyxl (bordered empty cells to row 60)", ok())
    resave(g, wb, "roster/lo-calc-styled-blank.xlsx")
    add("roster/lo-calc-styled-blank.xlsx", "roster", calc + " (bordered empty cells to row 60)", ok())

    # Sorted by department with 小计 rows between the groups and 总计 last.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分部门"
    ws.append(HEAD)
    groups = {}
    for r in ROWS:
        groups.setdefault(r["dept"], []).append(r)
    for dept, rs in groups.items():
        for r in rs:
            ws.append(plain_values(r))
            text(ws.cell(ws.max_row, 2))
        ws.append(["小计", "%d人" % len(rs), None, dept])
    ws.append(["总计", "%d人" % len(ROWS)])
    resave(g, wb, "roster/lo-calc-subtotals.xlsx")
    add("roster/lo-calc-subtotals.xlsx", "roster", calc + " (小计 per department, 总计)", dict(ok(), skipped=len(groups) + 1))

    # Headers a clerk in Hong Kong/Taiwan or a bilingual firm writes.
    trad = ["姓名", "身份證號碼", "手機號碼", "部門", "體溫", "健康碼", "近14日旅居史", "返回日期", "隔離結束日期"]
    eng = ["Name", "ID Number", "Mobile", "Dept", "Temp", "Health Code", "Travel History", "Return Date", "Quarantine End"]
    for name, head, title in [("traditional", trad, "員工健康登記表"), ("english", eng, "Staff health register")]:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([title])
        ws.merge_cells("A1:I1")
        table(ws, head, [plain_values(r) for r in ROWS])
        resave(g, wb, "roster/lo-calc-%s.xlsx" % name)
        add("roster/lo-calc-%s.xlsx" % name, "roster", calc + " (%s headers)" % name, dict(ok(), header_row=2))

    # A two-row header: groups merged above the column names.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["复工人员健康监测表"])
    ws.merge_cells("A1:I1")
    ws.append(["基本信息", None, None, None, "健康情况", None, None, "行程信息"])
    ws.merge_cells("A2:D2")
    ws.merge_cells("E2:G2")
    ws.merge_cells("H2:I2")
    table(ws, HEAD, [plain_values(r) for r in ROWS])
    for c in ws[2]:
        c.alignment = Alignment(horizontal="center")
    wb.save(os.path.join(OUT, "roster/openpyxl-group-header.xlsx"))
    add("roster/openpyxl-group-header.xlsx", "roster", "openpyxl (grouped two-row header)", dict(ok(), header_row=3))
    resave(g, wb, "roster/lo-calc-group-header.xlsx")
    add("roster/lo-calc-group-header.xlsx", "roster", calc + " (grouped two-row header)", dict(ok(), header_row=3))

    # Department merged down its rows (merged cells read as their value).
    wb = openpyxl.Workbook()
    ws = wb.active
    head = ["部门"] + [h for h in HEAD if h != "部门"]
    ws.append(head)
    start = 2
    for dept, rs in groups.items():
        for r in rs:
            v = dict(zip(HEAD, plain_values(r)))
            ws.append([dept if r is rs[0] else None] + [v[h] for h in head[1:]])
            text(ws.cell(ws.max_row, 3))
        ws.merge_cells("A%d:A%d" % (start, start + len(rs) - 1))
        start += len(rs)
    wb.save(os.path.join(OUT, "roster/openpyxl-merged-dept.xlsx"))
    add("roster/openpyxl-merged-dept.xlsx", "roster", "openpyxl (department merged down)", ok())

    # The table set off from the corner (blank column A, blank rows 1–2) with
    # header cells wrapped by Alt+Enter (身份证\n号码), and Calc's CSV of it
    # (quoted line breaks in the header).
    wb = openpyxl.Workbook()
    ws = wb.active
    wrapped = ["姓名", "身份证\n号码", "手机\n号码", "部门", "今日\n体温", "健康码\n颜色", "近14日\n旅居史", "返回\n日期", "隔离结束\n日期"]
    for i, h in enumerate(wrapped):
        c = ws.cell(3, i + 2, h)
        c.alignment = Alignment(wrap_text=True)
    for j, r in enumerate(ROWS):
        for i, v in enumerate(plain_values(r)):
            c = ws.cell(4 + j, i + 2, v)
            if i == 1:
                text(c)
    src = tmp_path(g, "offset.xlsx")
    wb.save(src)
    put(g, lo(g, src, "xlsx:Calc MS Excel 2007 XML"), "roster/lo-calc-offset-wrapped-headers.xlsx")
    add("roster/lo-calc-offset-wrapped-headers.xlsx", "roster", calc + " (table at B3, Alt+Enter in headers)", dict(ok(), header_row=3))
    calc_csv(g, src, "roster/lo-calc-wrapped-headers.csv", 44, 76)
    add("roster/lo-calc-wrapped-headers.csv", "roster", calc + " Text CSV (line breaks inside header cells)", dict(ok(), header_row=3))

    # LibreOffice Calc from a flat ODS (what a clerk types): rich text in
    # names, a merged title, a hidden column, date cells, the 1904 null date.
    put(g, lo(g, fods(g), "xlsx:Calc MS Excel 2007 XML"), "roster/lo-calc-rich-text.xlsx")
    add("roster/lo-calc-rich-text.xlsx", "roster", calc + " (rich text, 1904 null date, hidden column)",
        dict(ok(), header_row=2, ignored=["备注"]))

    # Calc's CSV export: UTF-8 comma, GB18030, "Unicode" (UTF-16LE, tab),
    # semicolon, tab; the government template and a numeric ID column.
    src = tmp_path(g, "roster.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    rare = [dict(r) for r in ROWS]
    rare[0]["name"], rare[1]["name"], rare[2]["dept"] = "李䶮", "张𠮷", "后勤部（㙟）"  # outside GBK
    table(ws, HEAD, [plain_values(r) for r in rare])
    wb.save(src)
    for rel, sep, enc, what in [("lo-calc-utf8.csv", 44, 76, "UTF-8"), ("lo-calc-gb18030.csv", 44, 85, "GB18030"),
                                ("lo-calc-unicode.csv", 9, 65535, "Unicode (UTF-16LE, tab)"),
                                ("lo-calc-semicolon.csv", 59, 76, "UTF-8, semicolon"), ("lo-calc-tab.txt", 9, 76, "UTF-8, tab")]:
        calc_csv(g, src, "roster/" + rel, sep, enc)
        add("roster/" + rel, "roster", calc + " Text CSV " + what, ok())
    gov = tmp_path(g, "gov.xlsx")
    shutil.copy(os.path.join(OUT, "roster/openpyxl-gov-template.xlsx"), gov)
    calc_csv(g, gov, "roster/lo-calc-gov-template-gb18030.csv", 44, 85)
    add("roster/lo-calc-gov-template-gb18030.csv", "roster", calc + " Text CSV GB18030 of the government template",
        dict(ok(), header_row=4, ignored=["序号"], skipped=2))
    num = tmp_path(g, "num.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in ROWS:
        ws.append(plain_values(r, idv=lambda r: int(r["id"][:15] + "000")))
    wb.save(num)
    calc_csv(g, num, "roster/lo-calc-number-ids.csv", 44, 76)
    add("roster/lo-calc-number-ids.csv", "roster", calc + " Text CSV of a number ID column", dict(status=422, detail_contains="文本"))

    # Hand-made text files (Notepad, WPS "CSV", mail merges).
    plain = [plain_values(r) for r in ROWS]
    path = os.path.join(OUT, "roster/csv-trailing-blank.csv")
    write_csv(path, HEAD + ["", ""], [v + ["", ""] for v in plain] + [[""] * 11] * 3, encoding="gbk")
    add("roster/csv-trailing-blank.csv", "roster", "Excel CSV (GBK) with blank trailing rows and columns", ok())
    syn = ["职工姓名", "公民身份号码", "联系方式", "所在部门", "今日体温", "健康码颜色", "14天内旅居史", "返岗日期", "隔离截止日期"]
    write_csv(os.path.join(OUT, "roster/csv-synonyms.csv"), syn, plain, bom=True)
    add("roster/csv-synonyms.csv", "roster", "Excel CSV UTF-8 (synonym headers)", ok())
    marks = ["姓名（必填）", "身份证号(必填)", "*手机号", "部　门", "体 温", "健康码*", "近１４日旅居史", "返回日期（必填）", "隔离结束日期"]
    write_csv(os.path.join(OUT, "roster/csv-required-markers.csv"), marks, plain, encoding="gb18030")
    add("roster/csv-required-markers.csv", "roster", "Excel CSV (GB18030), （必填）/*/spaces/full-width digits", ok())
    fw = str.maketrans("0123456789.", "０１２３４５６７８９．")
    wide = []
    for i, r in enumerate(ROWS):
        v = plain_values(r)
        v[2] = v[2].translate(fw) if i % 2 else v[2]
        v[4] = ("%.1f" % r["temp"]).translate(fw) if i % 3 == 0 else v[4]
        wide.append(v)
    write_csv(os.path.join(OUT, "roster/csv-fullwidth-values.csv"), HEAD, wide)
    add("roster/csv-fullwidth-values.csv", "roster", "typed with a full-width IME (phones, temperatures)", ok())
    forms = []
    for i, r in enumerate(ROWS):
        v = plain_values(r)
        v[1] = ['="%s"' % r["id"], "\t" + r["id"], r["id"].replace("", " ").strip(), "\u00a0" + r["id"]][i % 4]
        forms.append(v)
    write_csv(os.path.join(OUT, "roster/csv-excel-id-tricks.csv"), HEAD, forms)
    add("roster/csv-excel-id-tricks.csv", "roster", "IDs kept as text the Excel ways (=\"…\", tab, spaces, NBSP)", ok())
    foot = plain + [["总计", "12人"], [], ["制表人：王芳", "", "审核：李娜", "", "单位负责人：张伟"], ["联系电话：028-85551234"],
                    ["填报日期：2020年2月28日"]]
    write_csv(os.path.join(OUT, "roster/csv-footers.csv"), HEAD, foot, encoding="gbk")
    add("roster/csv-footers.csv", "roster", "Excel CSV (GBK) with 总计 and signature lines", dict(ok(), skipped=4))
    with open(os.path.join(OUT, "roster/notepad-utf16be-tabs.txt"), "wb") as f:
        f.write(b"\xfe\xff" + "\r\n".join("\t".join(str(x) for x in row) for row in [HEAD] + plain).encode("utf-16-be"))
    add("roster/notepad-utf16be-tabs.txt", "roster", "Notepad Unicode big endian, tabs", ok())
    with open(os.path.join(OUT, "roster/notepad-utf8-lf.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(",".join(str(x) for x in row) for row in [HEAD] + plain) + "\n")
    add("roster/notepad-utf8-lf.csv", "roster", "UTF-8 CSV without BOM, LF", ok())
    write_csv(os.path.join(OUT, "roster/csv-missing-id.csv"), [h for h in HEAD if h != "身份证号"],
              [[x for j, x in enumerate(v) if j != 1] for v in plain])
    add("roster/csv-missing-id.csv", "roster", "a roster without an ID column", dict(status=422, message_contains="身份证号"))


def fods(g):
    """A flat ODS document as Calc saves it: the roster with rich-text names,
    a merged title, a hidden 备注 column, date cells and the 1904 null date."""
    ROWS, HEAD = g["ROWS"], g["HEAD"]
    esc = lambda s: str(s).replace("&", "&amp;").replace("<", "&lt;")

    def s(v, style=None):
        return '<table:table-cell office:value-type="string"%s><text:p>%s</text:p></table:table-cell>' % (
            ' table:style-name="%s"' % style if style else "", v)

    def date(d):
        if not d:
            return "<table:table-cell/>"
        return '<table:table-cell table:style-name="cdate" office:value-type="date" office:date-value="%s"><text:p>%s</text:p></table:table-cell>' % (
            d.isoformat(), d.isoformat())

    rows = ['<table:table-row><table:table-cell table:number-columns-spanned="10" office:value-type="string"><text:p>职工健康登记表</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="9"/></table:table-row>',
            "<table:table-row>" + "".join(s(esc(h)) for h in HEAD[:4] + ["备注"] + HEAD[4:]) + "</table:table-row>"]
    for i, r in enumerate(ROWS):
        name = '<text:span text:style-name="T1">%s</text:span>%s' % (r["name"][0], r["name"][1:])
        rows.append("<table:table-row>" + s(name) + s(r["id"]) + s(r["phone"]) + s(r["dept"]) + s("备注%d" % i) +
                    '<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (r["temp"], r["temp"]) +
                    s(r["code"]) + s(r["travel"]) + date(r["ret"]) + date(r["qend"]) + "</table:table-row>")
    doc = '''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  <number:date-style style:name="N1"><number:year number:style="long"/><number:text>年</number:text><number:month/><number:text>月</number:text><number:day/><number:text>日</number:text></number:date-style>
  <style:style style:name="cdate" style:family="table-cell" style:data-style-name="N1"/>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold" fo:color="#c00000"/></style:style>
  <style:style style:name="hid" style:family="table-column"><style:table-column-properties style:column-width="2cm"/></style:style>
 </office:automatic-styles>
 <office:body>
  <office:spreadsheet>
   <table:calculation-settings><table:null-date table:date-value="1904-01-01"/></table:calculation-settings>
   <table:table table:name="登记表">
    <table:table-column table:number-columns-repeated="4"/>
    <table:table-column table:style-name="hid" table:visibility="collapse"/>
    <table:table-column table:number-columns-repeated="5"/>
    %s
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document>
''' % "\n    ".join(rows)
    return write_flat(g, "rich.fods", doc)


# ---------------------------------------------------------------- registries


def registries(g):
    add, ENTS, OUT, write_csv, yes = g["add"], g["ENTS"], g["OUT"], g["write_csv"], g["yes"]
    REG_EXPECT, REG_HEAD = g["REG_EXPECT"], g["REG_HEAD"]
    calc = "LibreOffice Calc 7.4"
    vals = lambda e, f=yes: [e[0], e[1], e[2], f(e[3]), f(e[4]), e[5], e[6], f(e[7])]

    src = tmp_path(g, "gov.xlsx")
    shutil.copy(os.path.join(OUT, "registry/openpyxl-gov-template.xlsx"), src)
    put(g, lo(g, src, "xlsx:Calc MS Excel 2007 XML"), "registry/lo-calc-resaved-gov-template.xlsx")
    add("registry/lo-calc-resaved-gov-template.xlsx", "registry", calc + " (re-saved the government template)",
        dict(REG_EXPECT, ignored=["序号"], skipped=2))

    src = tmp_path(g, "registry.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(REG_HEAD)
    for e in ENTS:
        ws.append(vals(e))
    wb.save(src)
    for rel, sep, enc, what in [("lo-calc-utf8.csv", 44, 76, "UTF-8"), ("lo-calc-gb18030.csv", 44, 85, "GB18030"),
                                ("lo-calc-unicode.csv", 9, 65535, "Unicode (UTF-16LE, tab)"), ("lo-calc-semicolon.csv", 59, 76, "UTF-8, semicolon")]:
        calc_csv(g, src, "registry/" + rel, sep, enc)
        add("registry/" + rel, "registry", calc + " Text CSV " + what, REG_EXPECT)

    # Flags as real boolean cells (TRUE/FALSE), the list on the second sheet
    # after an instructions sheet.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报说明"
    ws.append(["请按统一社会信用代码填写，是否规上、是否房地产、是否纳入监管填 TRUE/FALSE。"])
    ws2 = wb.create_sheet("企业名录")
    ws2.append(["统一社会信用代码", "企业名称", "所属行业", "是否规上", "是否房地产", "所属片区", "所属街道", "是否纳入监管"])
    for e in ENTS:
        ws2.append(vals(e, bool))
    wb.save(os.path.join(OUT, "registry/openpyxl-bool-cells.xlsx"))
    add("registry/openpyxl-bool-cells.xlsx", "registry", "openpyxl (boolean cells, second sheet)", REG_EXPECT)
    src = tmp_path(g, "bools.xlsx")
    wb.save(src)
    put(g, lo(g, src, "xlsx:Calc MS Excel 2007 XML"), "registry/lo-calc-bool-cells.xlsx")
    add("registry/lo-calc-bool-cells.xlsx", "registry", calc + " (boolean cells, second sheet)", REG_EXPECT)

    eng = ["Unified Social Credit Code", "Company Name", "Industry", "Above Scale", "Real Estate", "Zone", "Street", "Supervised"]
    write_csv(os.path.join(OUT, "registry/csv-english.csv"), eng, [vals(e, lambda b: "Y" if b else "N") for e in ENTS])
    add("registry/csv-english.csv", "registry", "English headers, Y/N", REG_EXPECT)
    trad = ["統一社會信用代碼", "企業名稱", "行業", "是否規上", "是否房地產", "片區", "街道", "是否納入監管"]
    write_csv(os.path.join(OUT, "registry/csv-traditional.csv"), trad, [vals(e, lambda b: "1" if b else "0") for e in ENTS], bom=True)
    add("registry/csv-traditional.csv", "registry", "traditional headers, 1/0", REG_EXPECT)
    write_csv(os.path.join(OUT, "registry/csv-footers.csv"), ["*统一社会信用代码（必填）", "企业名称（必填）", "行业", "是否规上", "是否房地产", "片区", "街道", "是否纳入监管"],
              [vals(e) for e in ENTS] + [["合计", "4家"], ["填表人：张三", "", "审核人：李四"]], encoding="gb18030")
    add("registry/csv-footers.csv", "registry", "Excel CSV (GB18030), （必填）, 合计 and footer", dict(REG_EXPECT, skipped=2))
    put(g, os.path.join(OUT, "roster/lo-calc-legacy.xls"), "registry/lo-calc-legacy.xls")
    add("registry/lo-calc-legacy.xls", "registry", calc + " (Excel 97)", dict(status=415, message_contains="XLSX"))
    write_csv(os.path.join(OUT, "registry/csv-missing-code.csv"), REG_HEAD[1:], [vals(e)[1:] for e in ENTS])
    add("registry/csv-missing-code.csv", "registry", "a registry without the credit code column",
        dict(status=422, message_contains="统一社会信用代码"))


# ---------------------------------------------------------------- plans

SUPPLIES = [("物资", "数量", "责任人"), ("口罩", "2000只", "行政部"), ("体温计", "10支", "行政部"), ("消毒液", "50升", "后勤部")]


def plans(g):
    add, OUT, PLAN, PLAN_TEXT, text_ok, run = g["add"], g["OUT"], g["PLAN"], g["PLAN_TEXT"], g["text_ok"], g["run"]
    IMG2PDF_FIXED, GS_FIXED = g["IMG2PDF_FIXED"], g["GS_FIXED"]
    writer = "LibreOffice Writer 7.4"
    tbl = ["口罩", "2000只", "消毒液"]

    # Writer: header, footer, a numbered list, a table, a footnote, a text box.
    fodt = writer_fodt(g, PLAN)
    for fmt, ext in [("odt:writer8", "odt"), ("docx:MS Word 2007 XML", "docx"), ("pdf:writer_pdf_Export", "pdf"), ("doc:MS Word 97", "doc")]:
        put(g, lo(g, fodt, fmt), "plan/lo-writer-full." + ext)
    # Each keeps the footnote; the DOCX marks it, its header and its footer.
    marked = {"docx": ["【页眉】某某科技有限公司", "【脚注】隔离观察室设在一楼东侧", "【页脚】联系人", "1. 每日测温登记", "设置隔离观察室。"],
              "odt": ["【脚注】隔离观察室设在一楼东侧", "设置隔离观察室。"], "pdf": ["1.每日测温登记"]}
    for ext in ["odt", "docx", "pdf"]:
        add("plan/lo-writer-full." + ext, "plan", writer + " (%s: header, footer, numbered list, table, footnote, text box)" % ext.upper(),
            text_ok(contains=tbl + ["每日测温登记", "隔离观察室设在一楼东侧"] + marked.get(ext, []), once=["应急电话"]))
    add("plan/lo-writer-full.doc", "plan", writer + " (Word 97 with tables)", dict(status=415, message_contains="DOCX"))

    # Writer with recorded changes (修订) not yet accepted, as a plan goes
    # back and forth between a firm and the park: the reader sees the text
    # with deletions gone and insertions in.
    tracked = writer_tracked_fodt(g, PLAN)
    for fmt, ext in [("odt:writer8", "odt"), ("docx:MS Word 2007 XML", "docx")]:
        put(g, lo(g, tracked, fmt), "plan/lo-writer-tracked-changes." + ext)
        add("plan/lo-writer-tracked-changes." + ext, "plan", writer + " (%s with recorded changes)" % ext.upper(),
            text_ok(contains=["由行政部专人发放登记"], absent=["每周消毒一次", "由后勤部发放"]))
    pdfa = lo(g, fodt, 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}')
    put(g, pdfa, "plan/lo-writer-pdfa.pdf")
    add("plan/lo-writer-pdfa.pdf", "plan", writer + " (PDF/A-2b)", text_ok(contains=tbl))
    put(g, lo(g, fodt, "rtf"), "plan/lo-writer.rtf")
    add("plan/lo-writer.rtf", "plan", writer + " (RTF)", dict(status=415, message_contains="RTF"))

    # python-docx: tables, numbered and bulleted lists, East Asian fonts;
    # and Writer's PDF of it.
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "SimSun"
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    st.font.size = Pt(12)
    d.core_properties.created = d.core_properties.modified = datetime.datetime(2020, 2, 29)
    d.add_heading(PLAN[0], level=1)
    for line in PLAN[1:]:
        d.add_paragraph(line)
    d.add_paragraph("每日测温登记", style="List Bullet")
    d.add_paragraph("错峰就餐", style="List Bullet")
    t = d.add_table(rows=len(SUPPLIES), cols=3)
    t.style = "Table Grid"
    for i, row in enumerate(SUPPLIES):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    src = tmp_path(g, "tables.docx")
    d.save(src)
    put(g, src, "plan/python-docx-tables.docx")
    add("plan/python-docx-tables.docx", "plan", "python-docx (tables, bullets, 宋体)", text_ok(contains=tbl + ["每日测温登记"]))
    put(g, lo(g, src, "pdf:writer_pdf_Export"), "plan/lo-writer-from-python-docx.pdf")
    add("plan/lo-writer-from-python-docx.pdf", "plan", writer + " (PDF of a python-docx file)", text_ok(contains=tbl))

    # pandoc straight to DOCX and ODT.
    md = tmp_path(g, "plan.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("# " + PLAN[0] + "\n\n" + "\n\n".join(("## " if l[1] == "、" else "") + l for l in PLAN[1:]) + "\n\n" +
                "| 物资 | 数量 | 责任人 |\n|---|---|---|\n" + "".join("| %s | %s | %s |\n" % r for r in SUPPLIES[1:]))
    for ext in ["docx", "odt"]:
        run("pandoc", md, "-o", os.path.join(OUT, "plan/pandoc." + ext))
        add("plan/pandoc." + ext, "plan", "pandoc 2.17 (%s)" % ext.upper(), text_ok(contains=tbl))

    # reportlab platypus: paragraphs wrapped by CJK rules (lines break inside
    # words), a table, page numbers in the footer; compressed.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, A5
    from reportlab.lib.styles import getSampleStyleSheet, ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    for font, name, size in [("STSong-Light", "reportlab-platypus-cid", A5), ("WQY", "reportlab-platypus-ttf", A4)]:
        ss = ParagraphStyle("cn", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
        hs = ParagraphStyle("h", parent=ss, fontSize=15, leading=22)
        story = [Paragraph(PLAN[0], hs)] + [Paragraph(l, ss) for l in PLAN[1:]] + [Spacer(1, 8)]
        tb = Table([list(r) for r in SUPPLIES])
        tb.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(tb)
        footer = lambda c, doc, font=font: (c.setFont(font, 9), c.drawString(40, 20, "第 %d 页" % doc.page))
        doc = SimpleDocTemplate(os.path.join(OUT, "plan/%s.pdf" % name), pagesize=size, pageCompression=1, invariant=1,
                                title="复工方案", author="行政部")
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        add("plan/%s.pdf" % name, "plan", "reportlab platypus (%s, CJK word wrap, table)" % ("STSong-Light" if font != "WQY" else "embedded TTF"),
            text_ok(contains=["口罩", "消毒液"]))

    # Chromium print-to-PDF: Noto Serif CJK on A5 with a table, and
    # WenQuanYi Micro Hei (a TrueType collection).
    for name, css in [("serif-a5", "@page{size:A5;margin:12mm} body{font-family:'Noto Serif CJK SC';text-align:justify}"),
                      ("wqy", "@page{size:A4;margin:20mm} body{font-family:'WenQuanYi Micro Hei'}")]:
        html = tmp_path(g, name + ".html")
        with open(html, "w", encoding="utf-8") as f:
            f.write("<html><head><meta charset='utf-8'><style>%s td{border:1px solid #000}</style></head><body>" % css +
                    "".join(("<h1>%s</h1>" if i == 0 else "<h2>%s</h2>" if l[1] == "、" else "<p>%s</p>") % l for i, l in enumerate(PLAN)) +
                    "<table>" + "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % v for v in r) for r in SUPPLIES) + "</table></body></html>")
        prof = tempfile.mkdtemp(dir=g["TMP"])
        run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + prof, "--no-pdf-header-footer",
            "--print-to-pdf=" + os.path.join(OUT, "plan/chromium-%s.pdf" % name), "file://" + html)
        add("plan/chromium-%s.pdf" % name, "plan", "Chromium print-to-PDF (%s)" % name, text_ok(contains=tbl))

    # Ghostscript rewrites: PDF/A-2b of a Writer PDF, pdfwrite of a Writer
    # PDF with a table.
    gs = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite"]
    run(*gs, "-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB",
        "-sOutputFile=" + os.path.join(OUT, "plan/gs-pdfa2.pdf"), os.path.join(OUT, "plan/lo-writer.pdf"))
    add("plan/gs-pdfa2.pdf", "plan", "Ghostscript pdfwrite PDF/A-2b", text_ok())
    # Not kept, because Ghostscript 10.0 loses their text layer, so no
    # extractor can recover it: the reportlab CID-font file (STSong-Light is
    # not embedded; gs draws and stores Latin glyphs in its place), the
    # reportlab TrueType file (gs drops the ToUnicode map of the first
    # subset font), Chromium's WenQuanYi file (re-encoded as Type 3 fonts
    # whose ToUnicode maps lack 报, 政, 放). And not lo-writer-full.pdf: gs
    # sets the paragraph wrapped beside the text box and the box on the same
    # baselines in one TJ, so lines of the two columns interleave.
    run(*gs, *GS_FIXED, "-sOutputFile=" + os.path.join(OUT, "plan/gs-pdfwrite-python-docx.pdf"), os.path.join(OUT, "plan/lo-writer-from-python-docx.pdf"))
    add("plan/gs-pdfwrite-python-docx.pdf", "plan", "Ghostscript pdfwrite of a Writer PDF with a table", text_ok(contains=tbl))

    # qpdf: linearized (web-optimised), object streams, uncompressed QDF,
    # encrypted variants of other producers' files, restrictions.
    lw = os.path.join(OUT, "plan/lo-writer.pdf")
    rl = os.path.join(OUT, "plan/reportlab-cid.pdf")
    for name, args, src, rec in [
            ("linearized", ["--deterministic-id", "--linearize"], lw, 0.95),
            ("objstm", ["--deterministic-id", "--object-streams=generate"], rl, 0.97),
            ("qdf", ["--deterministic-id", "--qdf", "--object-streams=disable"], rl, 0.97),
            ("linearized-aes-256", ["--linearize", "--encrypt", "", "owner-secret", "256", "--"], lw, 0.95),
            ("no-print-aes-256", ["--encrypt", "", "owner-secret", "256", "--print=none", "--modify=none", "--extract=n", "--"], lw, 0.95),
            ("aes-128-chromium", ["--encrypt", "", "owner-secret", "128", "--use-aes=y", "--"], os.path.join(OUT, "plan/chromium-wqy.pdf"), 0.95),
            ("rc4-40-reportlab-cid", ["--allow-weak-crypto", "--encrypt", "", "owner-secret", "40", "--"], rl, 0.97),
            ("aes-256-cleartext-metadata", ["--encrypt", "", "owner-secret", "256", "--cleartext-metadata", "--"],
             os.path.join(OUT, "plan/reportlab-platypus-ttf.pdf"), 0.95)]:
        run("qpdf", *args, src, os.path.join(OUT, "plan/qpdf-%s.pdf" % name))
        add("plan/qpdf-%s.pdf" % name, "plan", "qpdf " + " ".join(a for a in args if a.startswith("--") and a not in ("--", "--deterministic-id")), text_ok(rec))

    # Scans: a JPEG page on A4, two pages, Ghostscript's image-only PDF.
    from PIL import Image

    png = tmp_path(g, "page.png")
    run("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r50", "-sOutputFile=" + png.replace(".png", "%d.png"), lw)
    pages = sorted(f for f in os.listdir(os.path.dirname(png)) if f.endswith(".png"))
    jpg = png.replace(".png", ".jpg")
    Image.open(os.path.join(os.path.dirname(png), pages[0])).save(jpg, quality=40)
    scan = lambda: dict(status=201, note_contains="扫描件", empty_text=True, flags=["plan_text_unreadable"], not_flags=["plan_missing"])
    run("img2pdf", *IMG2PDF_FIXED, "--pagesize", "A4", "-o", os.path.join(OUT, "plan/scan-img2pdf-jpeg-a4.pdf"), jpg)
    add("plan/scan-img2pdf-jpeg-a4.pdf", "plan", "img2pdf of a JPEG page, A4", scan())
    two = [os.path.join(os.path.dirname(png), pages[0])] * 2
    run("img2pdf", *IMG2PDF_FIXED, "-o", os.path.join(OUT, "plan/scan-img2pdf-2-pages.pdf"), *two)
    add("plan/scan-img2pdf-2-pages.pdf", "plan", "img2pdf of two page images", scan())
    run("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfimage8", "-r50", "-sOutputFile=" + os.path.join(OUT, "plan/scan-gs-pdfimage.pdf"), lw)
    add("plan/scan-gs-pdfimage.pdf", "plan", "Ghostscript pdfimage8 (an image-only PDF)", scan())

    # Text files: UTF-8 with BOM, GB18030 with characters outside GBK,
    # UTF-16LE with a tab table, hard-wrapped lines, Windows line ends.
    tab = "\n".join("\t".join(r) for r in SUPPLIES)
    for name, data, what, expect in [
            ("utf8-bom.txt", b"\xef\xbb\xbf" + PLAN_TEXT.encode(), "Notepad UTF-8 with BOM", text_ok()),
            ("utf8-crlf.txt", PLAN_TEXT.replace("\n", "\r\n").encode(), "UTF-8, CRLF", text_ok()),
            ("gb18030.txt", (PLAN_TEXT + "\n联系人：李䶮（𠮷祥物业）").replace("\n", "\r\n").encode("gb18030"), "GB18030 with characters outside GBK",
             text_ok(contains=["李䶮", "𠮷"])),
            ("unicode-table.txt", (PLAN_TEXT + "\n" + tab).replace("\n", "\r\n").encode("utf-16"), "Notepad Unicode with a tab table",
             text_ok(contains=tbl)),
            ("gbk-table.txt", (PLAN_TEXT + "\n" + tab).replace("\n", "\r\n").encode("gbk"), "Notepad ANSI (GBK) with a tab table",
             text_ok(contains=tbl)),
            ("hard-wrapped.txt", "\n".join(l[i:i + 17] for l in PLAN for i in range(0, len(l), 17)).encode(), "hard-wrapped at 17 characters",
             text_ok())]:
        with open(os.path.join(OUT, "plan/notepad-" + name), "wb") as f:
            f.write(data)
        add("plan/notepad-" + name, "plan", what, expect)


def writer_tracked_fodt(g, PLAN):
    """A flat ODT with recorded changes: in the disinfection paragraph the
    deleted "每周消毒一次，" and in the supplies paragraph "由后勤部发放" replaced
    by the inserted "由行政部专人发放登记"."""
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;")
    info = '<office:change-info><dc:creator>园区审核员</dc:creator><dc:date>2020-02-28T10:00:00</dc:date></office:change-info>'
    regions = ('<text:tracked-changes>'
               '<text:changed-region text:id="ct1"><text:deletion>%s<text:p>每周消毒一次，</text:p></text:deletion></text:changed-region>'
               '<text:changed-region text:id="ct2"><text:deletion>%s<text:p>由后勤部发放</text:p></text:deletion></text:changed-region>'
               '<text:changed-region text:id="ct3"><text:insertion>%s</text:insertion></text:changed-region>'
               '</text:tracked-changes>') % (info, info, info)
    body = [regions, '<text:p text:style-name="Title">%s</text:p>' % esc(PLAN[0])]
    for l in PLAN[1:]:
        if l.startswith("办公区"):
            i = l.index("每日")
            l = esc(l[:i]) + '<text:change text:change-id="ct1"/>' + esc(l[i:])
        elif "由行政部专人发放登记" in l:
            i = l.index("由行政部专人发放登记")
            l = (esc(l[:i]) + '<text:change text:change-id="ct2"/><text:change-start text:change-id="ct3"/>由行政部专人发放登记'
                 '<text:change-end text:change-id="ct3"/>' + esc(l[i + len("由行政部专人发放登记"):]))
        else:
            l = esc(l)
        body.append('<text:p>%s</text:p>' % l)
    doc = '''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body><office:text>
  %s
 </office:text></office:body>
</office:document>
''' % "\n  ".join(body)
    return write_flat(g, "plan-tracked.fodt", doc)


def writer_fodt(g, PLAN):
    """A flat ODT as Writer saves it: page header and footer, the plan's
    sections as paragraphs, an automatically numbered list, the supplies
    table, a footnote and a text box (frame)."""
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;")
    body = ['<text:p text:style-name="Title">%s</text:p>' % esc(PLAN[0])]
    for l in PLAN[1:]:
        body.append('<text:p text:style-name="%s">%s</text:p>' % ("Heading_20_2" if l[1] == "、" else "Standard", esc(l)))
        if l.startswith("二、"):
            body.append('<text:list text:style-name="L1">' + "".join('<text:list-item><text:p>%s</text:p></text:list-item>' % x
                                                                   for x in ["每日测温登记", "错峰上下班", "错峰就餐"]) + "</text:list>")
        if l.startswith("四、"):
            body.append('<text:p text:style-name="Standard"><draw:frame draw:name="框1" text:anchor-type="paragraph" svg:width="8cm" svg:height="1.5cm" draw:z-index="0">'
                        '<draw:text-box><text:p>应急电话：028-85551234</text:p></draw:text-box></draw:frame>设置隔离观察室'
                        '<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
                        '<text:note-body><text:p>隔离观察室设在一楼东侧。</text:p></text:note-body></text:note>。</text:p>')
    body.append('<table:table table:name="物资表"><table:table-column table:number-columns-repeated="3"/>' +
                "".join("<table:table-row>%s</table:table-row>" % "".join('<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % v for v in r)
                        for r in SUPPLIES) + "</table:table>")
    doc = '''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><meta:creation-date>2020-02-29T09:00:00</meta:creation-date><meta:generator>fugong corpus</meta:generator></office:meta>
 <office:font-face-decls><style:font-face style:name="Noto Serif CJK SC" svg:font-family="'Noto Serif CJK SC'"/></office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph"><style:text-properties style:font-name="Noto Serif CJK SC" style:font-name-asian="Noto Serif CJK SC" fo:font-size="12pt" style:font-size-asian="12pt"/></style:default-style>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Title" style:family="paragraph"><style:text-properties fo:font-size="18pt" style:font-size-asian="18pt"/></style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
  <text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/></text:list-style>
 </office:styles>
 <office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin="2cm"/></style:page-layout></office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>某某科技有限公司（内部资料）</text:p></style:header>
   <style:footer><text:p>联系人：王经理</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
  %s
 </office:text></office:body>
</office:document>
''' % "\n  ".join(body)
    return write_flat(g, "plan-full.fodt", doc)
