package finance

import (
	"strings"
	"testing"
)

func TestExclusionHash(t *testing.T) {
	t.Parallel()
	key := []byte("k-0123456789abcdef0123456789abcdef")
	a := ExclusionHash(key, IdentNIK, "6472014107900011")
	if len(a) != 64 || strings.Contains(a, "6472014107900011") {
		t.Fatalf("hash %q", a)
	}
	if a == ExclusionHash([]byte("another key, just as long as the first"), IdentNIK, "6472014107900011") {
		t.Fatal("the key must change the hash")
	}
	if a == ExclusionHash(key, IdentNIB, "6472014107900011") {
		t.Fatal("NIK and NIB of the same digits must differ")
	}
	h := NewExclusionHasher(key)
	if h(IdentNIK, "6472014107900011") != a || h(IdentNIB, "9120001234567") != ExclusionHash(key, IdentNIB, "9120001234567") || h(IdentNIK, "6472014107900011") != a {
		t.Fatal("a reused hasher must give the same hashes")
	}
}

// FuzzExclusionListInput: Validate either refuses with validation_failed
// or leaves a known kind, a source and a date.
func FuzzExclusionListInput(f *testing.F) {
	f.Add("deceased", "Dukcapil", "2024-02-01")
	f.Add("pns", "", "31/01/2024")
	f.Add(" other ", strings.Repeat("x", 201), "2024-13-01")
	f.Fuzz(func(t *testing.T, kind, source, asOf string) {
		in := ExclusionListInput{Kind: kind, Source: source, AsOf: asOf}
		err := in.Validate()
		if err != nil {
			if ErrorCode(err) != EValidation {
				t.Fatalf("code %s", ErrorCode(err))
			}
			return
		}
		if ValidDate(in.AsOf) != "" || in.Source == "" || len(in.Source) > 200 {
			t.Fatalf("accepted %+v", in)
		}
	})
}

// FuzzComputeFlags: flags never panic and every flag has a known kind and a message.
func FuzzComputeFlags(f *testing.F) {
	f.Add("mikro", "64.72", "2024-03-01", "menengah", "65")
	f.Fuzz(func(t *testing.T, eligible, programRegion, on, size, region string) {
		p := &Program{EligibleSizeClasses: StringList(strings.Split(eligible, ",")), RegionCode: programRegion, StartsOn: "2024-01-01", EndsOn: "2024-12-31", FiscalYear: 2024}
		r := &Recipient{SizeClass: size, RegionCode: region}
		for _, fl := range ComputeFlags(&Disbursement{DisbursedOn: on}, FlagFacts{Program: p, Recipient: r}) {
			if fl.Message == "" || !strings.Contains(strings.Join(FlagKinds, " "), fl.Kind) {
				t.Fatalf("flag %+v", fl)
			}
		}
	})
}
