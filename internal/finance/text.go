package finance

import (
	"math"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Text limits, in characters (not bytes), of the fields of every input.
const (
	MaxNameLength    = 200   // names of people, businesses, programs, agencies; labels
	MaxAddressLength = 500   // addresses, reasons
	MaxNoteLength    = 2000  // notes
	MaxTextLength    = 200   // any other text field (codes, references, numbers as text)
	MaxPasteLength   = 50000 // a batch page's pasted rows: 200 rows of a name and an amount
)

// textLimits names the fields whose limit is not MaxTextLength, by JSON name.
var textLimits = map[string]int{
	"address": MaxAddressLength, "reason": MaxAddressLength, "override_reason": MaxAddressLength,
	"note": MaxNoteLength, "description": MaxNoteLength, "paste": MaxPasteLength,
	"payment_ref": 100, "email": 254, "password": 72, // bcrypt reads at most 72 bytes; a longer password is refused, not cut
}

// TextLimit is the most characters field may hold.
func TextLimit(field string) int {
	if n, ok := textLimits[field]; ok {
		return n
	}
	return MaxTextLength
}

// TextProblem says what is wrong with a text value for a field holding at
// most max characters: a NUL byte (which PostgreSQL refuses), bytes that are
// not UTF-8, or too many characters; "" when it is fine.
func TextProblem(v string, max int) string { return TextMsg(v, max).String() }

// TextMsg is what TextProblem says, as a message; Key "" when fine.
func TextMsg(v string, max int) Msg {
	switch {
	case !utf8.ValidString(v):
		return M("must be UTF-8 text")
	case strings.IndexByte(v, 0) >= 0:
		return M("must not contain a NUL character")
	case utf8.RuneCountInString(v) > max:
		return M("must be at most %d characters", max)
	}
	return Msg{}
}

// CheckText adds field's problem, if any, to f.
func CheckText(f Fields, field, v string, max int) {
	if msg := TextMsg(v, max); msg.Key != "" {
		f.AddMsg(field, msg)
	}
}

// CheckInput applies the text rules to every text field of an input struct
// (string, *string, money.Raw and lists of them, by JSON name, embedded
// structs too) and bounds every int field to what an INTEGER column holds,
// so that nothing a client sends can make the database fail. New*/Patch
// call it first, and the web layer calls it on every JSON body it decodes.
// Errors: validation_failed naming each bad field.
func CheckInput(in any) error {
	f := Fields{}
	checkValue(f, "", reflect.ValueOf(in))
	return f.Err()
}

func checkValue(f Fields, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkValue(f, name, v.Elem())
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			field := strings.Split(sf.Tag.Get("json"), ",")[0]
			if field == "-" {
				continue
			}
			if sf.Anonymous && field == "" {
				checkValue(f, name, v.Field(i))
				continue
			}
			if field == "" {
				field = strings.ToLower(sf.Name)
			}
			checkValue(f, field, v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			checkValue(f, name, v.Index(i))
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if iter.Key().Kind() == reflect.String {
				CheckText(f, name, iter.Key().String(), TextLimit(name))
			}
			checkValue(f, name, iter.Value())
		}
	case reflect.String:
		CheckText(f, name, v.String(), TextLimit(name))
	case reflect.Int:
		if n := v.Int(); n > math.MaxInt32 || n < math.MinInt32 {
			f.Add(name, "must be between %d and %d", math.MinInt32, math.MaxInt32)
		}
	}
}

// checkInput adds the problems CheckInput finds to f; the first message a
// field gets is the one kept.
func (f Fields) checkInput(in any) {
	checkValue(f, "", reflect.ValueOf(in))
}

// CleanFileName is an uploaded file's name as it may be stored and shown:
// without NUL bytes or bytes that are not UTF-8, and at most 255 characters.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(strings.ToValidUTF8(name, ""), "\x00", "")
	if r := []rune(name); len(r) > 255 {
		name = string(r[:255])
	}
	return name
}
