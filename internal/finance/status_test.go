package finance_test

import (
	"slices"
	"testing"

	"pilar/internal/finance"
)

func TestStatusSets(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		got  finance.StatusSet
		want []string
	}{
		"Committed":    {finance.Committed, []string{"approved", "paid"}},
		"Realized":     {finance.Realized, []string{"paid"}},
		"EverPaid":     {finance.EverPaid, []string{"paid", "returned"}},
		"EverApproved": {finance.EverApproved, []string{"approved", "paid", "returned"}},
		"Void":         {finance.Void, []string{"rejected", "cancelled"}},
		"Live":         {finance.Live, []string{"draft", "submitted", "approved", "paid", "returned"}},
	} {
		t.Run(name, func(t *testing.T) {
			if !slices.Equal(c.got.Strings(), c.want) {
				t.Fatalf("%s = %v, want %v", name, c.got, c.want)
			}
		})
	}
}
