package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
)

// byteScanner is the worksheet scanner as it was before it read runs with
// ReadSlice (a byte at a time, the same rules): the reference FuzzXMLScanner
// holds the faster one to.
type byteScanner struct {
	r    *bufio.Reader
	text []byte
	keep bool
	tag  []byte
}

func (s *byteScanner) next() error {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		if b != '<' {
			if s.keep {
				s.text = append(s.text, b)
				if len(s.text) > MaxCellBytes*2 {
					return errCellTooLong
				}
			}
			continue
		}
		s.tag = s.tag[:0]
		quote := byte(0)
		for {
			c, err := s.r.ReadByte()
			if err != nil {
				return errXMLSyntax
			}
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
			s.tag = append(s.tag, c)
			if len(s.tag) > 1<<16 {
				return errXMLSyntax
			}
			if len(s.tag) == 8 && bytes.Equal(s.tag, []byte("![CDATA[")) {
				if err := s.cdata(); err != nil {
					return err
				}
				s.tag = s.tag[:0]
				break
			}
			if len(s.tag) == 3 && bytes.Equal(s.tag, []byte("!--")) {
				if err := s.skipUntil([]byte("-->")); err != nil {
					return err
				}
				s.tag = s.tag[:0]
				break
			}
		}
		if len(s.tag) == 0 || s.tag[0] == '?' || s.tag[0] == '!' {
			continue
		}
		return nil
	}
}

func (s *byteScanner) cdata() error {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return errXMLSyntax
		}
		if s.keep {
			s.text = append(s.text, c)
		}
		if c == '>' && s.keep && bytes.HasSuffix(s.text, []byte("]]>")) {
			s.text = s.text[:len(s.text)-3]
			// CDATA text is literal: protect its '&' from decodeEntities.
			return nil
		}
		if c == '>' && !s.keep {
			return nil
		}
	}
}

func (s *byteScanner) skipUntil(end []byte) error {
	var tail []byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return errXMLSyntax
		}
		tail = append(tail, c)
		if len(tail) > len(end) {
			tail = tail[1:]
		}
		if bytes.Equal(tail, end) {
			return nil
		}
	}
}

// name returns the local name of the current tag, whether it is an end
// tag and whether it closes itself.

// FuzzXMLScanner: on any input the worksheet scanner returns the same tags,
// the same captured text (up to an error) and the same kind of error as the byte-at-a-time
// reference. Inputs where text ending in ']' runs into a CDATA section are
// left out: there the reference ended the section at the first '>' after
// the text's "]]" (its bug, not the rule).
func FuzzXMLScanner(f *testing.F) {
	for _, seed := range []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>张三</t></is></c></row>`,
		`<?xml version="1.0"?><!-- a > b --><x a='>' b="'"/><![CDATA[1<2>3]]>tail`,
		`<c t="str"><f>A1&amp;""</f><v>x</v></c><!DOCTYPE x [<!ENTITY a "b">]>`,
		`<t xml:space="preserve"> a </t><t>`, `<a b="unclosed>`, `text only`, `<![CDATA[never closed`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte("]<![CDATA[")) {
			t.Skip()
		}
		fast := &xmlScanner{r: bufio.NewReaderSize(bytes.NewReader(data), 16), keep: true}
		ref := &byteScanner{r: bufio.NewReaderSize(bytes.NewReader(data), 16), keep: true}
		for i := 0; ; i++ {
			fast.text, ref.text = fast.text[:0], ref.text[:0]
			ferr, rerr := fast.next(), ref.next()
			if kind(ferr) != kind(rerr) {
				t.Fatalf("token %d: error %v, reference %v", i, ferr, rerr)
			}
			if ferr != nil { // what was read before an error is not used
				return
			}
			if !bytes.Equal(fast.text, ref.text) {
				t.Fatalf("token %d: text %q, reference %q", i, fast.text, ref.text)
			}
			if !bytes.Equal(fast.tag, ref.tag) {
				t.Fatalf("token %d: tag %q, reference %q", i, fast.tag, ref.tag)
			}
		}
	})
}

// kind classifies a scanner error for comparison.
func kind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, io.EOF):
		return "eof"
	case errors.Is(err, errCellTooLong):
		return "too long"
	}
	return "syntax"
}
