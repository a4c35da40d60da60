package plans

import (
	"bytes"
	"strconv"
)

// This file is a small PDF lexer and object parser: enough of ISO 32000-1
// §7.2–7.3 to read dictionaries, arrays, strings, names, numbers and
// references from the file body, object streams and content streams.

// PDF object values as the parser returns them.
type (
	pdfName    string
	pdfString  []byte
	pdfKeyword string // an operator, or a bare word such as true/null/obj
	pdfDict    map[pdfName]any
	pdfRef     struct{ num, gen int }
)

// maxNesting bounds nested arrays and dictionaries so "[[[[…" cannot exhaust
// the stack.
const maxNesting = 64

type pdfLexer struct {
	b   []byte
	pos int
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isPDFSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// token returns the next token: float64, pdfName, pdfString, or pdfKeyword
// (including "<<", ">>", "[", "]"); ok is false at the end of input.
func (l *pdfLexer) token() (tok any, ok bool) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, false
	}
	c := l.b[l.pos]
	switch c {
	case '(':
		return l.literal(), true
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			return pdfKeyword("<<"), true
		}
		return l.hex(), true
	case '>':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '>' {
			l.pos += 2
			return pdfKeyword(">>"), true
		}
		l.pos++
		return pdfKeyword(">"), true
	case '[', ']', '{', '}', ')':
		l.pos++
		return pdfKeyword(c), true
	case '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
			l.pos++
		}
		return pdfName(unescapeName(l.b[start:l.pos])), true
	}
	start := l.pos
	for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
		l.pos++
	}
	word := l.b[start:l.pos]
	if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
		if f, err := strconv.ParseFloat(string(word), 64); err == nil {
			return f, true
		}
	}
	return pdfKeyword(word), true
}

func unescapeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// literal reads a (string) with nested parentheses and escapes.
func (l *pdfLexer) literal() pdfString {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out
			}
		case '\\':
			if l.pos >= len(l.b) {
				return out
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes keep the character
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// hex reads a <hex string>; whitespace is ignored and an odd final digit is
// padded with 0 as the standard says.
func (l *pdfLexer) hex() pdfString {
	l.pos++ // <
	var out []byte
	hi, half := byte(0), false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return out
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return out
}

// object parses one object from the lexer: a dictionary, array, reference
// (N G R) or a single token. ok is false at the end of input.
func (l *pdfLexer) object(depth int) (any, bool) {
	tok, ok := l.token()
	if !ok {
		return nil, false
	}
	switch t := tok.(type) {
	case float64:
		// Look ahead for "gen R".
		save := l.pos
		if g, ok := l.token(); ok {
			if gf, isNum := g.(float64); isNum {
				if r, ok := l.token(); ok && r == pdfKeyword("R") && t >= 0 && t <= 1<<31 && gf >= 0 {
					return pdfRef{num: int(t), gen: int(gf)}, true
				}
			}
		}
		l.pos = save
		return t, true
	case pdfKeyword:
		switch t {
		case "<<":
			if depth > maxNesting {
				return nil, true
			}
			d := pdfDict{}
			for {
				k, ok := l.object(depth + 1)
				if !ok || k == pdfKeyword(">>") {
					return d, true
				}
				name, isName := k.(pdfName)
				if !isName {
					continue // tolerate junk keys
				}
				v, ok := l.object(depth + 1)
				if !ok || v == pdfKeyword(">>") {
					return d, true
				}
				d[name] = v
			}
		case "[":
			if depth > maxNesting {
				return nil, true
			}
			var a []any
			for {
				v, ok := l.object(depth + 1)
				if !ok || v == pdfKeyword("]") {
					return a, true
				}
				a = append(a, v)
			}
		}
	}
	return tok, true
}
