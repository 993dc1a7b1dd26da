package web

import (
	"bytes"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// FuzzDecode feeds any bytes to decode for every JSON body the API reads:
// it never panics, answers only bad_request, validation_failed or nil, and
// what it lets through holds no NUL, no bad UTF-8, no text over its
// field's limit and no int out of an INTEGER column's range.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"name":"Amplang Bu Siti","nik":"6472014506800001"}`, `{"name":"a\u0000b"}`, "{\"name\":\"\xff\"}",
		`{"note":"` + strings.Repeat("a", 2001) + `"}`, `{"fiscal_year":99999999999}`, `{"tranche":1e3}`, `{"ids":[1,2,3],"action":"submit"}`,
		`{"eligible_size_classes":["mikro","a\u0000"]}`, `[]`, `{`, `{"budget":1000.5,"reason":"APBD-P"}`, `{"a":1}{"b":2}`,
	} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return &finance.AgencyInput{} }, func() any { return &finance.ProgramInput{} },
		func() any { return &finance.RecipientInput{} }, func() any { return &finance.DisbursementInput{} },
		func() any { return &finance.ActionInput{} }, func() any { return &finance.BulkActionInput{} },
		func() any { return &finance.BudgetRevisionInput{} }, func() any { return &finance.UserInput{} },
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			v := target()
			err := decode(e.NewContext(req, httptest.NewRecorder()), v)
			switch finance.ErrorCode(err) {
			case "":
				if msg := problem("", reflect.ValueOf(v)); msg != "" {
					t.Fatalf("%T from %q let through: %s", v, body, msg)
				}
			case finance.EBadRequest, finance.EValidation:
			default:
				t.Fatalf("%T from %q: %v", v, body, err)
			}
		}
	})
}

func problem(name string, v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return problem(name, v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			field := strings.Split(v.Type().Field(i).Tag.Get("json"), ",")[0]
			if field == "" {
				field = name
			}
			if msg := problem(field, v.Field(i)); msg != "" {
				return msg
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if msg := problem(name, v.Index(i)); msg != "" {
				return msg
			}
		}
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || utf8.RuneCountInString(s) > finance.TextLimit(name) {
			return name
		}
	case reflect.Int:
		if n := v.Int(); n > 1<<31-1 || n < -1<<31 {
			return name + " out of range"
		}
	}
	return ""
}
