package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

// listNav is a list page's paging: how many match the filters on every
// page, and the links to the pages before and after this one.
type listNav struct {
	Total      int64
	Prev, Next string
}

// listPageOf reads a list page's query: limit (50 unless asked), cursor,
// or before to page backwards; newest first unless order=oldest.
// Errors: bad_request.
func listPageOf(c echo.Context) (finance.Page, error) {
	p, err := pageOf(c)
	if err != nil {
		return p, err
	}
	if p.Before, err = intQuery(c, "before", 0, maxID); err != nil {
		return p, err
	}
	p.Newest = c.QueryParam("order") != "oldest"
	p.Normalize()
	return p, nil
}

// navOf is the paging of a page of items (ids in the page's order) read
// with page, where more is the store's cursor to go on in the direction
// read: forwards the next page's cursor, backwards the page before's.
func navOf(c echo.Context, page finance.Page, ids []int64, more string, total int64) listNav {
	nav := listNav{Total: total}
	if len(ids) == 0 {
		if page.Cursor > 0 || page.Before > 0 { // past an end: back to the start
			nav.Prev = pageURL(c, "", 0)
		}
		return nav
	}
	if page.Before > 0 {
		if more != "" {
			nav.Prev = pageURL(c, "before", ids[0])
		}
		nav.Next = pageURL(c, "cursor", ids[len(ids)-1])
		return nav
	}
	if more != "" {
		nav.Next = pageURL(c, "cursor", ids[len(ids)-1])
	}
	if page.Cursor > 0 {
		nav.Prev = pageURL(c, "before", ids[0])
	}
	return nav
}

// pageURL is this page with the query's filters and key (cursor or
// before) set to id, or with neither when key is "".
func pageURL(c echo.Context, key string, id int64) string {
	q := c.QueryParams()
	q.Del("cursor")
	q.Del("before")
	if key != "" {
		q.Set(key, strconv.FormatInt(id, 10))
	}
	if len(q) == 0 {
		return c.Request().URL.Path
	}
	return c.Request().URL.Path + "?" + q.Encode()
}

// totalOf is how many a list holds on every page: the page itself when it
// is the whole list (no counting, and no second identifier lookup), else
// what count says.
func totalOf(page finance.Page, n int, more string, count func() (int64, error)) (int64, error) {
	if page.Cursor == 0 && page.Before == 0 && more == "" {
		return int64(n), nil
	}
	return count()
}

// idsOf are the ids of a page of records.
func idsOf[T any](items []T, id func(T) int64) []int64 {
	out := make([]int64, len(items))
	for i, x := range items {
		out[i] = id(x)
	}
	return out
}

// Int writes a whole number with the page's thousands separator
// ("21.013" in Indonesian, "21,013" in English).
func (v view) Int(n int64) string { return i18n.Number(v.Lang, n) }

// disbursementFilterOf reads the list filters of API.md's disbursement
// list, shared by the API and the page: program, recipient_id, status,
// from, to, and agency, region and q (the recipient's name).
// Errors: bad_request.
func disbursementFilterOf(c echo.Context, page finance.Page) (finance.DisbursementFilter, error) {
	rid, err := intQuery(c, "recipient_id", 0, maxID)
	return finance.DisbursementFilter{
		Program: c.QueryParam("program"), RecipientID: rid, Status: finance.Status(c.QueryParam("status")),
		From: c.QueryParam("from"), To: c.QueryParam("to"), Agency: c.QueryParam("agency"),
		Region: c.QueryParam("region"), Q: strings.TrimSpace(c.QueryParam("q")), Page: page,
	}, err
}
