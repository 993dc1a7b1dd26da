package finance

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"pilar/internal/money"
)

func TestTextProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    string
		max  int
		want string
	}{
		{"Amplang Bu Siti", 200, ""},
		{"Jl. Jend. Sudirman No. 1, Samarinda", 500, ""},
		{strings.Repeat("é", 200), 200, ""}, // characters, not bytes
		{strings.Repeat("é", 201), 200, "must be at most 200 characters"},
		{"a\x00b", 200, "must not contain a NUL character"},
		{"\xff", 200, "must be UTF-8 text"},
		{"Rp\xc3\x28", 200, "must be UTF-8 text"},
		{"", 200, ""},
	} {
		if got := TextProblem(tc.v, tc.max); got != tc.want {
			t.Errorf("%.20q: %q, want %q", tc.v, got, tc.want)
		}
	}
	if TextLimit("name") != 200 || TextLimit("address") != 500 || TextLimit("note") != 2000 || TextLimit("nik") != MaxTextLength {
		t.Fatal("limits")
	}
}

// inputs builds every input type with each text field set to s and each
// int field to n, and runs the domain's check of it.
var inputs = []struct {
	name  string
	check func(s string, n int) (any, error)
}{
	{"Agency", func(s string, n int) (any, error) {
		in := fill[AgencyInput](s, n)
		_, err := NewAgency(in)
		return in, err
	}},
	{"Program", func(s string, n int) (any, error) {
		in := fill[ProgramInput](s, n)
		_, err := NewProgram(in)
		return in, err
	}},
	{"ProgramPatch", func(s string, n int) (any, error) {
		in := fill[ProgramInput](s, n)
		in.Budget, in.Code, in.Agency = nil, nil, nil
		p := &Program{Status: "active"}
		return in, p.Patch(in)
	}},
	{"Recipient", func(s string, n int) (any, error) {
		in := fill[RecipientInput](s, n)
		_, err := NewRecipient(in)
		return in, err
	}},
	{"Disbursement", func(s string, n int) (any, error) {
		in := fill[DisbursementInput](s, n)
		_, err := NewDisbursement(in)
		return in, err
	}},
	{"Action", func(s string, n int) (any, error) {
		in := fill[ActionInput](s, n)
		d := &Disbursement{Status: StatusApproved, AgencyID: 1, CreatedByID: 2}
		agency := int64(1)
		return in, d.Act(&Actor{UserID: 3, Role: RoleAdmin, AgencyID: &agency}, ActionPay, in, "2024-07-01")
	}},
	{"BudgetRevision", func(s string, n int) (any, error) {
		in := fill[BudgetRevisionInput](s, n)
		_, err := NewBudgetRevision(&Program{}, in)
		return in, err
	}},
	{"User", func(s string, n int) (any, error) {
		in := fill[UserInput](s, n)
		return in, in.Validate()
	}},
}

// fill returns a T whose text fields (string, *string, money.Raw,
// *[]string) are s and whose int fields are n.
func fill[T any](s string, n int) T {
	var in T
	v := reflect.ValueOf(&in).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Interface().(type) {
		case string:
			f.SetString(s)
		case *string:
			f.Set(reflect.ValueOf(&s))
		case *money.Raw:
			r := money.Raw(s)
			f.Set(reflect.ValueOf(&r))
		case *[]string:
			l := []string{s}
			f.Set(reflect.ValueOf(&l))
		case *int:
			f.Set(reflect.ValueOf(&n))
		}
	}
	return in
}

// FuzzInputs sets every text field of every input to the same fuzzed text
// and every int field to the same fuzzed number: whatever the domain
// accepts holds no NUL, is UTF-8, within every field's limit, and ints fit
// an INTEGER column; NUL and bad UTF-8 are always refused as validation_failed.
func FuzzInputs(f *testing.F) {
	for _, s := range []string{"Amplang Bu Siti", "a\x00b", "\xff", strings.Repeat("a", 201), "2024-03-01", "64", "1000", ""} {
		f.Add(s, 2024)
		f.Add(s, 1<<40)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		bad := !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0
		for _, in := range inputs {
			v, err := in.check(s, n)
			if bad && ErrorCode(err) != EValidation {
				t.Fatalf("%s with %q: %v, want validation_failed", in.name, s, err)
			}
			if err == nil {
				if msg := firstProblem("", reflect.ValueOf(v)); msg != "" {
					t.Fatalf("%s accepted %q / %d: %s", in.name, s, n, msg)
				}
			}
		}
	})
}

// firstProblem walks v independently of CheckInput and names what breaks the rules.
func firstProblem(name string, v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return firstProblem(name, v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			field := strings.Split(v.Type().Field(i).Tag.Get("json"), ",")[0]
			if msg := firstProblem(field, v.Field(i)); msg != "" {
				return msg
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if msg := firstProblem(name, v.Index(i)); msg != "" {
				return msg
			}
		}
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || utf8.RuneCountInString(s) > TextLimit(name) {
			return name + " holds " + strings.ToValidUTF8(s[:min(len(s), 20)], "?")
		}
	case reflect.Int:
		if n := v.Int(); n > 1<<31-1 || n < -1<<31 {
			return name + " is out of range"
		}
	}
	return ""
}
