// Package page owns the paging of every list fugong answers: a 1-based
// page number and a page size, clamped to sane values. It is a leaf so that
// the HTTP layer can read ?page= without importing the store.
package page

// Page is a page of a list: 1-based number and size (1..500, default 50).
type Page struct {
	Number int
	Size   int
}

// Normal clamps number and size to sane values.
func Normal(number, size int) Page {
	if number < 1 {
		number = 1
	}
	if size < 1 {
		size = 50
	}
	if size > 500 {
		size = 500
	}
	return Page{Number: number, Size: size}
}

// Offset is the number of rows before the page.
func (p Page) Offset() int {
	if p.Size == 0 {
		return 0
	}
	return (p.Number - 1) * p.Size
}
