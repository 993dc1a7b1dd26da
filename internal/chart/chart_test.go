package chart

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestBars(t *testing.T) {
	svg := string(Bars(Chart{ID: "c", Title: "Realisasi <2024>", Desc: "abu-abu: anggaran", Value: "Realisasi", Reference: "Anggaran", Bars: []Bar{
		{Label: "A&B", Value: decimal.NewFromInt(50), Reference: decimal.NewFromInt(200), Text: "25%"},
		{Label: "retur", Value: decimal.NewFromInt(-5)},
		{Label: "Banpres Produktif Usaha Mikro Kalimantan Timur", Value: decimal.NewFromInt(1)},
	}}))
	for _, want := range []string{
		`role="img" aria-labelledby="c-t c-d"`, `<title id="c-t">Realisasi &lt;2024&gt;</title>`, `<desc id="c-d">abu-abu: anggaran</desc>`,
		`<text class="chart-title" x="0" y="16" font-size="15" font-weight="bold">Realisasi &lt;2024&gt;</text>`,
		`<rect x="0" y="28" width="14" height="14" fill="#2f6690"/><text x="20" y="40" font-size="12">Realisasi</text>`,
		`<rect x="103" y="28" width="14" height="14" fill="#c9d3de"/><text x="123" y="40" font-size="12">Anggaran</text>`,
		`>A&amp;B</text>`,
		`<title>Banpres Produktif Usaha Mikro Kalimantan Timur</title>Banpres Produktif Usaha Mikro…</text>`, `width="360" height="14" fill="#c9d3de"`, `width="90" height="8" fill="#2f6690"`, `width="0" height="14" fill="#2f6690"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %q in\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "style=") {
		t.Error("inline style attribute")
	}
}
