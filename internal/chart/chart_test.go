package chart

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestBars(t *testing.T) {
	svg := string(Bars("c", "Realisasi <2024>", "abu-abu: anggaran", []Bar{
		{Label: "A&B", Value: decimal.NewFromInt(50), Reference: decimal.NewFromInt(200), Text: "25%"},
		{Label: "retur", Value: decimal.NewFromInt(-5)},
	}))
	for _, want := range []string{
		`role="img" aria-labelledby="c-t c-d"`, `<title id="c-t">Realisasi &lt;2024&gt;</title>`, `<desc id="c-d">abu-abu: anggaran</desc>`,
		`>A&amp;B</text>`, `width="360" height="14" fill="#c9d3de"`, `width="90" height="8" fill="#2f6690"`, `width="0" height="14" fill="#2f6690"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %q in\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "style=") {
		t.Error("inline style attribute")
	}
}
