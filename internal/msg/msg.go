// Package msg is fugong's message catalog. Every text a user can read has a
// stable code and a zh-CN and an English form; the code is for machines (the
// API's error and detail codes, the UI's own labels), the texts are for
// people. Chinese is the default; English is chosen per request from
// Accept-Language. Messages are declared where they are used, one
// messages.go file per package, so the catalog is the set of those files
// (TestCatalog in this package checks every code is unique and every
// template has both languages with the same verbs).
//
// No text anywhere joins the two languages with " / ": a caller renders a
// message in one language, never both.
package msg

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language fugong speaks.
type Lang string

// The languages of the catalog. ZH is the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Message is one catalog entry: a stable code and a fmt template per
// language. The zero Message renders as "".
type Message struct {
	code string
	zh   string
	en   string
}

// New declares a catalog entry. It is meant for package-level var blocks
// (messages.go); it panics on an empty code or a missing language, which a
// test run (any test of the declaring package) catches at once.
func New(code, zh, en string) Message {
	if code == "" || zh == "" || en == "" {
		panic(fmt.Sprintf("msg.New(%q): code and both texts are required", code))
	}
	return Message{code: code, zh: zh, en: en}
}

// Code returns the message's stable code.
func (m Message) Code() string { return m.code }

// Template returns the fmt template of m in l (Chinese unless l is EN).
func (m Message) Template(l Lang) string {
	if l == EN {
		return m.en
	}
	return m.zh
}

// In renders m in l with args. An argument that is itself a Message or a
// Text is rendered in the same language, so a column label or a status name
// can be passed as an argument without picking a language first.
func (m Message) In(l Lang, args ...any) string {
	if len(args) == 0 {
		return m.Template(l)
	}
	return fmt.Sprintf(m.Template(l), localize(l, args)...)
}

// With binds m to args for rendering later, in the language of whoever
// reads it (an error built in a domain package is rendered by the HTTP
// layer in the caller's language).
func (m Message) With(args ...any) Text { return Text{Msg: m, Args: args} }

// Text is a Message bound to its arguments.
type Text struct {
	Msg  Message
	Args []any
}

// In renders t in l.
func (t Text) In(l Lang) string { return t.Msg.In(l, t.Args...) }

// Code returns the code of t's message.
func (t Text) Code() string { return t.Msg.code }

// IsZero reports whether t holds no message.
func (t Text) IsZero() bool { return t.Msg.code == "" }

// String renders t in Chinese, the default language.
func (t Text) String() string { return t.In(ZH) }

// Localizer is anything that renders itself in a language; Message and Text
// are Localizers, and so may be a package's own enum labels.
type Localizer interface {
	In(l Lang) string
}

// List is a list of values joined with the list separator of each language
// (、 in Chinese, ", " in English), each rendered in that language.
type List []any

// In renders the list in l.
func (ls List) In(l Lang) string {
	sep := "、"
	if l == EN {
		sep = ", "
	}
	parts := make([]string, len(ls))
	for i, v := range ls {
		parts[i] = fmt.Sprint(localize(l, []any{v})[0])
	}
	return strings.Join(parts, sep)
}

func localize(l Lang, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case Message:
			out[i] = v.Template(l)
		case Localizer:
			out[i] = v.In(l)
		default:
			out[i] = a
		}
	}
	return out
}

// Negotiate picks the language for an Accept-Language header: the first
// language in the client's order of preference that is Chinese (any script or
// region) or English; Chinese when the header is empty, malformed or names
// neither.
func Negotiate(acceptLanguage string) Lang {
	if strings.TrimSpace(acceptLanguage) == "" {
		return ZH
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		return ZH
	}
	for _, t := range tags { // already sorted by q, highest first
		base, _ := t.Base()
		switch base.String() {
		case "zh":
			return ZH
		case "en":
			return EN
		}
	}
	return ZH
}
