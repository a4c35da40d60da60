package roster

// TemplateHeaders returns the header row of a blank roster: the first
// (Chinese) name of every column Parse reads, in its order. A file with
// these headers parses without a header error. It cannot fail.
func TemplateHeaders() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.Aliases[0]
	}
	return out
}

// TemplateTextColumns returns the indexes (into TemplateHeaders) of the
// columns a spreadsheet must keep as text: an 18-digit ID number stored as
// a number loses its last three digits, a phone number its leading zeros.
func TemplateTextColumns() []int {
	var out []int
	for i, c := range columns {
		if c.Key == "id_number" || c.Key == "phone" {
			out = append(out, i)
		}
	}
	return out
}
