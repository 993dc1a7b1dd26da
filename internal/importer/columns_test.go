package importer

import (
	"reflect"
	"strings"
	"testing"

	"pilar/internal/i18n"
)

func TestHeaderIndex(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, kind string
		header     []string
		want       map[string]int
	}{
		{"Canonical", Disbursements, []string{"program_code", "amount"}, map[string]int{"program_code": 0, "amount": 1}},
		{"Aliases", Disbursements, []string{"\ufeffKode Program", " NIK-Penerima ", "JUMLAH", "tanggal", "referensi", "lain"},
			map[string]int{"program_code": 0, "recipient_nik": 1, "amount": 2, "disbursed_on": 3, "payment_ref": 4}},
		{"DotsAndNotes", Recipients, []string{"No. Rekening", "Modal (Rp)", "Nama  Pemilik", "Kode Wilayah (Kemendagri)"},
			map[string]int{"account_no": 0, "capital": 1, "owner_name": 2, "region_code": 3}},
		{"NameBeforeAlias", Disbursements, []string{"jumlah", "amount"}, map[string]int{"amount": 1}},
		{"FirstAlias", Disbursements, []string{"nilai", "jumlah"}, map[string]int{"amount": 1}}, // jumlah is listed first
		{"RepeatedFirstWins", Recipients, []string{"nama", "Nama"}, map[string]int{"name": 0}},
		{"KindsApart", Recipients, []string{"nik", "nib"}, map[string]int{"nik": 0, "nib": 1}},
		{"DisbursementNIK", Disbursements, []string{"nik", "nib"}, map[string]int{"recipient_nik": 0, "recipient_nib": 1}},
		{"UnknownKind", "programs", []string{"code"}, map[string]int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := headerIndex(c.kind, c.header); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRequiredGroups(t *testing.T) {
	t.Parallel()
	if got := requiredGroups(Recipients); !reflect.DeepEqual(got, [][]string{{"kind"}, {"name"}, {"nik", "legal_number"}}) {
		t.Errorf("recipients: %q", got)
	}
	if got := requiredGroups(Disbursements); !reflect.DeepEqual(got, [][]string{{"program_code"}, {"recipient_nik", "recipient_nib"}, {"amount"}, {"disbursed_on"}}) {
		t.Errorf("disbursements: %q", got)
	}
}

// TestColumns: every column has its meaning in both languages, and no
// name or alias is claimed twice within a kind; aliases are written
// normalised, as they are matched.
func TestColumns(t *testing.T) {
	t.Parallel()
	for kind, cols := range Columns {
		seen := map[string]string{}
		for _, c := range cols {
			for _, lang := range i18n.Langs {
				if i18n.T(lang, c.Meaning(kind)) == c.Meaning(kind) {
					t.Errorf("%s: no %s word for %s", kind, lang, c.Meaning(kind))
				}
			}
			for _, n := range append([]string{c.Name}, c.Aliases...) {
				if Normalize(n) != n {
					t.Errorf("%s: %q is not normalised", kind, n)
				}
				if other, dup := seen[n]; dup {
					t.Errorf("%s: %q names both %s and %s", kind, n, other, c.Name)
				}
				seen[n] = c.Name
			}
		}
	}
}

// FuzzHeaderIndex: any header maps to indexes inside it, each column at
// most once, and normalising twice changes nothing.
func FuzzHeaderIndex(f *testing.F) {
	f.Add("Kode Program;NIK Penerima;Jumlah;Tanggal")
	f.Add("\ufeffkind;name;nik;;NAMA")
	f.Add("  - _ ;__;\x00")
	f.Fuzz(func(t *testing.T, line string) {
		header := strings.Split(line, ";")
		for _, kind := range []string{Recipients, Disbursements} {
			seen := map[int]string{}
			for name, i := range headerIndex(kind, header) {
				if i < 0 || i >= len(header) {
					t.Fatalf("%s at %d of %d", name, i, len(header))
				}
				if other, dup := seen[i]; dup {
					t.Fatalf("cell %d is both %s and %s", i, other, name)
				}
				seen[i] = name
			}
		}
		for _, h := range header {
			if n := Normalize(h); Normalize(n) != n {
				t.Fatalf("Normalize(%q) = %q is not stable", h, n)
			}
		}
	})
}
