// Package chart draws Pilar's report charts as SVG on the server, so pages
// need no JavaScript: horizontal bars with an optional reference bar behind
// each (a budget), a visible title and legend, and a <title> and a <desc>
// for screen readers. Colours are
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
	headH    = 52 // the title and the legend above the bars
	barColor = "#2f6690"
	refColor = "#c9d3de"
)

// Chart is one bar chart: a title and a legend shown above the bars, and a
// description for screen readers.
type Chart struct {
	ID    string // unique on the page; it names the title and description
	Title string
	Desc  string
	// Value and Reference are the legend's names of the bars and of the
	// references behind them ("Realisasi", "Anggaran"); Reference "" when
	// the bars have none.
	Value, Reference string
	Bars             []Bar
}

// Bars draws the chart's bars scaled to the largest value or reference,
// under its title and legend. Negative values draw as empty bars. With no
// bars it draws the title and legend only.
func Bars(c Chart) template.HTML {
	scale := decimal.Zero
	for _, b := range c.Bars {
		scale = decimal.Max(scale, b.Value, b.Reference)
	}
	h := headH + 8 + rowH*len(c.Bars)
	esc := template.HTMLEscapeString
	id := esc(c.ID)
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t %s-d">`,
		width, h, width, h, id, id)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
	fmt.Fprintf(&s, `<text class="chart-title" x="0" y="16" font-size="15" font-weight="bold">%s</text>`, esc(c.Title))
	s.WriteString(`<g class="legend">`)
	x := 0
	for _, entry := range []struct{ name, color string }{{c.Value, barColor}, {c.Reference, refColor}} {
		if entry.name == "" {
			continue
		}
		fmt.Fprintf(&s, `<rect x="%d" y="28" width="14" height="14" fill="%s"/><text x="%d" y="40" font-size="12">%s</text>`, x, entry.color, x+20, esc(entry.name))
		x += 40 + 7*len([]rune(entry.name)) // about 7 px a character at 12 px
	}
	s.WriteString(`</g>`)
	for i, b := range c.Bars {
		y := headH + 4 + i*rowH
		label, full := shorten(b.Label)
		fmt.Fprintf(&s, `<g><text x="%d" y="%d" text-anchor="end" font-size="12">%s%s</text>`, labelW-8, y+barH-2, full, esc(label))
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

// labelRunes is how many characters of a label fit left of the bars.
const labelRunes = 30

// shorten cuts a label that does not fit, ending it with "…", and gives the
// whole label as a <title> to show on hover ("" when it fits).
func shorten(label string) (string, string) {
	r := []rune(label)
	if len(r) <= labelRunes {
		return label, ""
	}
	return string(r[:labelRunes-1]) + "…", "<title>" + template.HTMLEscapeString(label) + "</title>"
}

// length is v's share of scale in pixels, exactly (decimal, no float).
func length(v, scale decimal.Decimal) int64 {
	if scale.IsZero() || !v.IsPositive() {
		return 0
	}
	return v.Mul(decimal.NewFromInt(barW)).Div(scale).IntPart()
}
