package finance

// Page asks for one page of a list: at most Limit items after Cursor, in
// order of id, oldest first (the API's order) or, with Newest, newest first
// (the pages' order). Before asks instead for the items just before that
// id in the same order, to page backwards.
type Page struct {
	Limit  int
	Cursor int64 // the id of the last item of the previous page; 0 for the first
	Before int64 // the id of the first item of the next page, paging backwards; 0 when not
	Newest bool
}

// Normalize applies API.md's defaults: 50 items, at most 1000.
func (p *Page) Normalize() {
	switch {
	case p.Limit <= 0:
		p.Limit = 50
	case p.Limit > 1000:
		p.Limit = 1000
	}
}
