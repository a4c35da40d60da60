package pii

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// Secret carries a piece of personal data (an ID number, a phone, a name) in
// memory. Every way of printing it — fmt verbs, String, GoString, slog,
// encoding/json, encoding.TextMarshaler — shows a mask instead, so a Secret
// that reaches a log line or an error message by accident leaks nothing.
// Reveal returns the value on purpose. Secret is not a storage type: encrypt
// the revealed value with a Keyring before writing it anywhere.
type Secret string

// Reveal returns the raw value. Call it only where the value is meant to
// leave the process (encryption, an owner's own view).
func (s Secret) Reveal() string { return string(s) }

// Mask returns the display mask: MaskID for ID-number-like values (15 or 18
// characters of digits, last may be X), MaskPhone for phone-like values
// (digits, spaces, '+', '-'), otherwise a fixed "******" that does not even
// reveal the length.
func (s Secret) Mask() string {
	v := strings.TrimSpace(string(s))
	switch {
	case v == "":
		return ""
	case looksLikeID(v):
		return MaskID(v)
	case looksLikePhone(v):
		return MaskPhone(v)
	default:
		return "******"
	}
}

// String implements fmt.Stringer with the mask.
func (s Secret) String() string { return s.Mask() }

// GoString implements fmt.GoStringer (%#v) with the quoted mask.
func (s Secret) GoString() string { return fmt.Sprintf("pii.Secret(%q)", s.Mask()) }

// Format implements fmt.Formatter so that every verb (%s, %q, %x, %d…)
// prints the mask, never the raw bytes.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.Mask())
	case 'v':
		if f.Flag('#') {
			f.Write([]byte(s.GoString()))
			return
		}
		f.Write([]byte(s.Mask()))
	default:
		f.Write([]byte(s.Mask()))
	}
}

// LogValue implements slog.LogValuer with the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.Mask()) }

// MarshalJSON implements json.Marshaler with the mask as a JSON string. It
// cannot fail.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.Mask()) }

// MarshalText implements encoding.TextMarshaler with the mask (used by XML,
// YAML and map keys). It cannot fail.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Mask()), nil }

func looksLikeID(v string) bool {
	if len(v) != 15 && len(v) != 18 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' || (i == len(v)-1 && (c == 'X' || c == 'x')) {
			continue
		}
		return false
	}
	return true
}

func looksLikePhone(v string) bool {
	digits := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '+' || c == '-':
		default:
			return false
		}
	}
	return digits >= 7
}
