package web

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pilar/internal/i18n"
)

// TestAuditWordsCoverStore reads the store's source for the actions and
// records it writes to the audit trail (s.audit(ctx, "action", "entity",
// ..., and the actions passed on as a variable: the life cycle's and the
// exclusion lists' and lookups'): each is a choice of the audit page's
// filters and has a word in both languages, so the ledger never shows
// "audit.action.sign_in".
func TestAuditWordsCoverStore(t *testing.T) {
	files, err := filepath.Glob("../store/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("store source: %v", err)
	}
	call := regexp.MustCompile(`\.audit\([^"\n]*?, "([a-z_]+)", "([a-z_]+)"`)
	passed := regexp.MustCompile(`(?:withdrawExclusionList\([^,]+, [^,]+, |action :?= )"([a-z_]+)"`)
	actions, entities := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			actions[m[1]], entities[m[2]] = true, true
		}
		for _, m := range passed.FindAllStringSubmatch(string(src), -1) {
			actions[m[1]] = true
		}
	}
	// The life cycle passes its action on; its records are disbursements.
	for _, a := range []string{"submit", "approve", "reject", "cancel", "pay", "return"} {
		actions[a] = true
	}
	for _, want := range []string{"sign_in", "bulk_create", "withdraw", "lookup_limited"} {
		if !actions[want] {
			t.Fatalf("the source scan misses %q; found %v", want, actions)
		}
	}
	check := func(kind string, found map[string]bool, list []string) {
		for a := range found {
			if !slices.Contains(list, a) {
				t.Errorf("audit %s %q is written by the store but not a filter choice", kind, a)
			}
		}
		for _, a := range list {
			key := "audit." + kind + "." + a
			for _, lang := range i18n.Langs {
				if i18n.T(lang, key) == key {
					t.Errorf("%s has no %s word", key, lang)
				}
			}
		}
	}
	check("action", actions, auditActions)
	check("entity", entities, auditEntities)
}

// TestChanges_GoNames: entries logged from a struct without JSON names
// ("DisbursementID", "CreatedAt") read like the others: snake-case fields,
// named in words, and the change's own timestamp left out.
func TestChanges_GoNames(t *testing.T) {
	got := changes("", `{"ID":2,"DisbursementID":3,"LineID":4,"CreatedByID":5,"CreatedAt":"2024-03-05T01:02:03Z"}`)
	var fields []string
	for _, c := range got {
		fields = append(fields, c.Field)
	}
	if want := []string{"created_by_id", "disbursement_id", "id", "line_id"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	for _, f := range fields {
		if w := fieldWord("id", f); w == f {
			t.Errorf("%s has no word", f)
		}
	}
}
