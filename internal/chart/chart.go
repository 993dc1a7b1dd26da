// Package chart draws Pilar's report charts as SVG on the server, so pages
// need no JavaScript: horizontal bars with an optional reference bar behind
// each (a budget), a <title> and a <desc> for screen readers. Colours are
// SVG presentation attributes, which the Content-Security-Policy allows.
package chart

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/shopspring/decimal"
)

// Bar is one bar: its label, its value, an optional reference drawn behind
// it (zero: none) and the text written after it.
type Bar struct {
	Label     string
	Value     decimal.Decimal
	Reference decimal.Decimal
	Text      string
}

const (
	width    = 720
	labelW   = 220
	barW     = 360
	rowH     = 24
	barH     = 14
	barColor = "#2f6690"
	refColor = "#c9d3de"
)

// Bars draws bars scaled to the largest value or reference; id must be
// unique on the page (it names the title and description). Negative values
// draw as empty bars. With no bars it draws the title and description only.
func Bars(id, title, desc string, bars []Bar) template.HTML {
	scale := decimal.Zero
	for _, b := range bars {
		scale = decimal.Max(scale, b.Value, b.Reference)
	}
	h := 8 + rowH*len(bars)
	esc := template.HTMLEscapeString
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t %s-d">`,
		width, h, width, h, esc(id), esc(id))
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	for i, b := range bars {
		y := 4 + i*rowH
		fmt.Fprintf(&s, `<g><text x="%d" y="%d" text-anchor="end" font-size="12">%s</text>`, labelW-8, y+barH-2, esc(b.Label))
		top, height := y, barH
		if !b.Reference.IsZero() {
			fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, labelW, y, length(b.Reference, scale), barH, refColor)
			top, height = y+3, barH-6 // the value sits inside its reference
		}
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, labelW, top, length(b.Value, scale), height, barColor)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="11">%s</text></g>`, labelW+barW+6, y+barH-2, esc(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// length is v's share of scale in pixels, exactly (decimal, no float).
func length(v, scale decimal.Decimal) int64 {
	if scale.IsZero() || !v.IsPositive() {
		return 0
	}
	return v.Mul(decimal.NewFromInt(barW)).Div(scale).IntPart()
}
