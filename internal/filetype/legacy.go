package filetype

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// oleMagic opens an OLE2 compound file: legacy Office (.doc, .xls, .ppt),
// WPS (.wps, .et, .dps) and password-protected OOXML.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// oleStreams name the stream that tells which program wrote a compound
// file, as the UTF-16LE names of its directory entries.
var oleStreams = []struct {
	name string
	kind Kind
}{
	{"EncryptedPackage", Encrypted},
	{"WordDocument", DOC},
	{"Workbook", XLS},
	{"Book", XLS},
	{"PowerPoint Document", PPT},
}

// detectOLE names a compound file by the streams its directory lists. The
// directory may sit anywhere, so the file is scanned in chunks (uploads
// are capped at a few tens of MiB, and this costs one read).
func detectOLE(r io.ReaderAt, size int64) Kind {
	names := make([][]byte, len(oleStreams))
	for i, s := range oleStreams {
		u := utf16.Encode([]rune(s.name))
		b := make([]byte, 2*len(u)+2)
		for j, c := range u {
			binary.LittleEndian.PutUint16(b[2*j:], c)
		}
		names[i] = b // with the terminating NUL, so "Book" does not match inside "Workbook"'s neighbours
	}
	const chunk = 1 << 20
	buf := make([]byte, chunk+128)
	best := -1
	for off := int64(0); off < size; off += chunk {
		n, _ := r.ReadAt(buf, off)
		if n <= 0 {
			break
		}
		for i, name := range names {
			if (best < 0 || i < best) && bytes.Contains(buf[:n], name) {
				best = i
			}
		}
		if best == 0 {
			break
		}
	}
	if best < 0 {
		return Unknown
	}
	return oleStreams[best].kind
}

// odfMimetype returns the content of an OpenDocument package's mimetype
// entry ("" if unreadable).
func odfMimetype(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 100))
	return string(bytes.TrimSpace(b))
}

// utf16Text reports whether b (the head of a file, starting with a UTF-16
// BOM) decodes to text without control characters other than tab and line
// ends: what Notepad's "Unicode" and Excel's "Unicode text" write.
func utf16Text(b []byte) bool {
	le := b[0] == 0xFF
	b = b[2:]
	b = b[:len(b)&^1]
	u := make([]uint16, len(b)/2)
	for i := range u {
		if le {
			u[i] = binary.LittleEndian.Uint16(b[2*i:])
		} else {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
	}
	for _, r := range utf16.Decode(u) {
		if r == utf8.RuneError && len(u) > 1 {
			continue // a surrogate pair cut by the sniff window
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F {
			return false
		}
	}
	return true
}
