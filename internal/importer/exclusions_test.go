package importer

import (
	"strings"
	"testing"

	"pilar/internal/finance"
)

func TestOpenExclusions(t *testing.T) {
	t.Parallel()
	f, err := OpenExclusions(strings.NewReader("\ufeffNo;NIK;NIB\n1;6472014107900011;9120001234567\n2;6472.0141.0790.0012;\n3;;12\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	for {
		kind, v, ok, err := f.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		got = append(got, kind+" "+v)
	}
	want := "NIK 6472014107900011,NIB 9120001234567,NIK 6472014107900012"
	if strings.Join(got, ",") != want || f.Rows != 3 || f.Refused != 1 || f.Errors[0].Row != 4 || f.Errors[0].Field != "nib" {
		t.Fatalf("got %v, rows %d, refused %d %v", got, f.Rows, f.Refused, f.Errors)
	}
	if _, err := OpenExclusions(strings.NewReader("nama\nBudi\n")); finance.ErrorCode(err) != finance.EValidation {
		t.Fatalf("no nik column: %v", err)
	}
}

// FuzzOpenExclusions: any file either is refused with a domain error or
// yields only valid identifiers, and every data row is counted.
func FuzzOpenExclusions(f *testing.F) {
	f.Add("nik\n6472014107900011\n")
	f.Add("NIK;NIB\n6472014107900011;9120001234567\n;\n'123;x\n")
	f.Add("nib,nik\n\"9120001234567\",\"64720141079000\n")
	f.Fuzz(func(t *testing.T, content string) {
		file, err := OpenExclusions(strings.NewReader(content))
		if err != nil {
			if finance.ErrorCode(err) == finance.EInternal {
				t.Fatalf("not a domain error: %v", err)
			}
			return
		}
		defer file.Close()
		for {
			kind, v, ok, err := file.Next()
			if err != nil || !ok {
				break
			}
			switch kind {
			case finance.IdentNIK:
				if finance.ValidNIK(v) != "" {
					t.Fatalf("invalid NIK %q passed", v)
				}
			case finance.IdentNIB:
				if finance.ValidNIB(v) != "" {
					t.Fatalf("invalid NIB %q passed", v)
				}
			default:
				t.Fatalf("kind %q", kind)
			}
		}
		if file.Refused < len(file.Errors) {
			t.Fatalf("refused %d < listed %d", file.Refused, len(file.Errors))
		}
	})
}
