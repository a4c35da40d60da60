"""Plan PDFs made as many offices make them from Markdown: pandoc renders
HTML and WeasyPrint (pandoc --pdf-engine=weasyprint) lays it out with the
Noto CJK fonts (Debian: pandoc, weasyprint, fonts-noto-cjk). Called by
make_corpus.py; also runnable alone to add these files to an existing
corpus:

    /usr/bin/python3 scripts/corpus/pandoc_weasyprint.py testdata/corpus
"""
import json, os, subprocess, sys, tempfile

# Page styles: a plain A4 page in Noto Sans CJK; a narrow, justified A6 page
# in Noto Serif CJK, so lines wrap inside phrases (通\n风) as they do in a
# two-column notice; and Sans with the supplies as a table.
STYLES = {
    "sans": "@page { size: A4; margin: 2cm } body { font-family: 'Noto Sans CJK SC'; font-size: 12pt }",
    "serif-a6": "@page { size: A6; margin: 1cm } body { font-family: 'Noto Serif CJK SC'; font-size: 10pt; text-align: justify }",
    "table": "@page { size: A4; margin: 2cm } body { font-family: 'Noto Sans CJK SC' } table, td, th { border: 1px solid #000; border-collapse: collapse; padding: 2pt }",
}
TABLE = """
| 物资 | 数量 | 单位 |
|------|-----:|------|
| 口罩 | 400 | 只 |
| 消毒液 | 50 | 升 |
| 体温计 | 5 | 支 |
"""


def markdown(plan, table):
    md = ["# " + plan[0], ""]
    for line in plan[1:]:
        md += [("## " if line[1:2] == "、" else "") + line, ""]
    if table:
        md.append(TABLE)
    return "\n".join(md)


def make(out, plan, add, text_ok):
    tmp = tempfile.mkdtemp(prefix="fugong-pandoc-")
    for name, css in STYLES.items():
        src, sheet = os.path.join(tmp, name + ".md"), os.path.join(tmp, name + ".css")
        with open(src, "w", encoding="utf-8") as f:
            f.write(markdown(plan, name == "table"))
        with open(sheet, "w", encoding="utf-8") as f:
            f.write(css)
        rel = "plan/pandoc-weasyprint-%s.pdf" % name
        subprocess.run(["pandoc", src, "-s", "--metadata", "pagetitle=复工方案", "--css", sheet, "--pdf-engine=weasyprint",
                        "-o", os.path.join(out, rel)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        expect = text_ok(contains=["口罩", "消毒液"]) if name == "table" else text_ok()
        add(rel, "plan", "pandoc 2.17 + WeasyPrint 57 (Noto %s CJK)" % ("Serif" if "serif" in name else "Sans"), expect)


if __name__ == "__main__":
    out = sys.argv[1]
    path = os.path.join(out, "manifest.json")
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    files = [e for e in m["files"] if not e["file"].startswith("plan/pandoc-weasyprint-")]

    def add(p, kind, producer, expect):
        e = {"file": p, "kind": kind, "producer": producer}
        e.update(expect)
        files.append(e)

    make(out, m["plan_source"].split("\n"), add, lambda recall=0.95, **kw: dict(status=201, recall=recall, **kw))
    m["files"] = files
    with open(path, "w", encoding="utf-8") as f:
        json.dump(m, f, ensure_ascii=False, indent=1)
    print("%d files" % len(files))
