#!/usr/bin/env bash
# Makes the upload corpus under testdata/corpus: rosters, registries and
# plans written by real office software (LibreOffice Writer/Calc,
# python-docx, openpyxl, reportlab, Chromium print-to-PDF, pandoc +
# WeasyPrint, Ghostscript, qpdf, img2pdf, Notepad-style encodings), and manifest.json, the expected
# outcome of each file through the HTTP upload path.
#
#   scripts/make-corpus.sh            # installs what is missing (Debian), then rebuilds
#
# The files are committed; `make test` only reads them
# (internal/httpapi/corpus_test.go) and never needs these programs. Output
# depends on the installed versions (fonts, LibreOffice), so a rebuild may
# change bytes but not outcomes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/corpus-deps.sh
out=testdata/corpus
rm -rf "$out"
mkdir -p "$out"/roster "$out"/registry "$out"/plan
export SOURCE_DATE_EPOCH=1582934400   # 2020-02-29: fixed dates where a producer honours it
export HOME="${TMPDIR:-/tmp}/fugong-corpus-home"   # LibreOffice's profile, not the caller's
mkdir -p "$HOME"
/usr/bin/python3 scripts/corpus/make_corpus.py "$out"
du -sh "$out"
