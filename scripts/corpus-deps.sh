#!/usr/bin/env bash
# Installs the office software that scripts/make-corpus.sh drives (Debian
# packages). Only the corpus maker needs them; `make test` reads the
# committed files under testdata/corpus and never needs any of this.
set -euo pipefail
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v qpdf >/dev/null || need+=(qpdf)
command -v gs >/dev/null || need+=(ghostscript)
command -v img2pdf >/dev/null || need+=(img2pdf)
command -v chromium >/dev/null || need+=(chromium)
command -v pandoc >/dev/null || need+=(pandoc)
command -v weasyprint >/dev/null || need+=(weasyprint)
/usr/bin/python3 -c 'import docx' 2>/dev/null || need+=(python3-docx)
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || need+=(python3-openpyxl)
/usr/bin/python3 -c 'import reportlab' 2>/dev/null || need+=(python3-reportlab)
/usr/bin/python3 -c 'import PIL' 2>/dev/null || need+=(python3-pil)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
